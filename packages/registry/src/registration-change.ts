// A full heartbeat as one change for the lane (change-lane.ts): validate and merge the
// registration, resolve the agent's own dependencies with a trace for the audit, record what it
// writes, and propagate to the consumers a provider change concerns (PROTOCOL.md §1.2).
import { type AgentRegistration, type RegistrationResponse, type ResolutionUpdate, rfc3339 } from "@mcp-mesh/protocol";
import type { Change } from "./change-lane.js";
import { candidatesOf, providerFingerprint, registerEvent, schemasOf } from "./change-records.js";
import type { AgentRecord, EventRecord } from "./model.js";
import { propagate } from "./propagate.js";
import { mergeRegistration, validateRegistration } from "./registration.js";
import { resolveAgent } from "./resolve/agent.js";
import { findRequiredCycle } from "./resolve/cycles.js";
import type { StatusContext } from "./status-changes.js";
import type { WriteBatch } from "./store/store.js";

/**
 * What a full heartbeat did. "refused" is the reference's HTTP 200 `status:"error"` answer; a
 * body the client must fix throws a MeshError instead, and so does a store that cannot write.
 */
export type HeartbeatOutcome = {
  outcome: "registered" | "updated" | "refused";
  body: RegistrationResponse;
};

/** The core's state a registration reads and writes, by reference. */
export interface RegistrationContext extends StatusContext {
  /** Schema hashes already written (journaled, like the state). */
  knownSchemas: { has(hash: string): boolean; add(hash: string): void };
  nextSeq(): number;
  /** A registration's write carries the agent's heartbeat time: drop the pending one. */
  forgetTouches(id: string): void;
}

export function registrationChange(
  ctx: RegistrationContext,
  reg: AgentRegistration,
  entityId: string,
): Change<HeartbeatOutcome> {
  const { topo, state } = ctx;
  const topology = topo.topo;
  const now = ctx.now();
  const id = reg.agent_id as string;
  const existing = topology.get(id);
  const fail = (message: string): Change<HeartbeatOutcome> => ({
    batch: {},
    result: { outcome: "refused", body: { agent_id: id, status: "error", message, timestamp: rfc3339(now) } },
    onCommitted: () => state.metrics.registrations.inc({ outcome: "error" }),
  });
  const invalid = validateRegistration(reg, !existing);
  if (invalid) return fail(invalid);
  const { agent, warnings } = mergeRegistration(reg, existing, now, ctx.nextSeq, entityId);
  if (agent.tools.some((t) => t.dependencies.some((d) => d.required))) {
    const declarers = [...topology.requiredDeclarers].map((a) => topology.get(a) as AgentRecord);
    const cycle = findRequiredCycle(declarers, agent);
    if (cycle) return fail(`required dependency cycle: ${cycle}`);
  }

  const wasUnhealthy = existing !== undefined && existing.status !== "healthy";
  const providerChanged = !existing || wasUnhealthy || providerFingerprint(existing) !== providerFingerprint(agent);
  topo.put(agent);
  const env = ctx.env();
  const started = performance.now();
  const own = resolveAgent(agent, env, { trace: true, maxAlternatives: state.maxAlternatives });
  state.metrics.resolutionSeconds.observe({ scope: "heartbeat" }, (performance.now() - started) / 1000);

  const events: EventRecord[] = [];
  if (agent.agent_type !== "api" && (!existing || wasUnhealthy)) {
    events.push(registerEvent(agent, now, existing?.status));
  }
  events.push(...state.audit.eventsFor(agent, own.outcomes, own.resolution, state.current.get(id), now, true));
  state.current.set(id, own.resolution);
  state.sent.set(id, own.resolution);
  state.pending.delete(id);
  state.counters.set(id, { total: own.total, resolved: own.resolved });

  const batch: WriteBatch = {
    agents: [agent],
    resolutions: [{ agent_id: id, resolution: own.resolution, total: own.total, resolved: own.resolved }],
    events,
    schemas: schemasOf(agent, now).filter((sc) => !ctx.knownSchemas.has(sc.hash)),
  };
  for (const sc of batch.schemas ?? []) ctx.knownSchemas.add(sc.hash);
  const deliveries: ResolutionUpdate[] = [];
  if (providerChanged) {
    const changed = [...candidatesOf(existing), ...candidatesOf(agent)];
    propagate(state, changed, env, now, batch, id, deliveries, !existing);
  }
  const response: RegistrationResponse = {
    agent_id: id,
    status: "success",
    message: existing ? "Agent updated via heartbeat" : "Agent registered via heartbeat",
    timestamp: rfc3339(now),
    dependencies_resolved: own.resolution.dependencies_resolved,
    llm_tools: own.resolution.llm_tools,
  };
  if (Object.keys(own.resolution.llm_providers).length) response.llm_providers = own.resolution.llm_providers;
  if (warnings.length) response.warnings = warnings;
  const outcome = existing ? "updated" : "registered";
  return {
    batch,
    result: { outcome, body: response },
    deliveries,
    onCommitted: () => {
      ctx.forgetTouches(id);
      state.metrics.registrations.inc({ outcome });
    },
  };
}
