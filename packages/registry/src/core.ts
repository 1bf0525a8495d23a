// The registry's state machine: full heartbeats, fast heartbeats, unregister, health
// transitions, and the propagation of a change to exactly the consumers it concerns.
// Reads and decisions happen in memory; every change is written to the store before the
// request that caused it is answered.

import { type AgentRegistration, type RegistrationResponse, rfc3339 } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import { agentInfo } from "./agents-view.js";
import { AuditLog } from "./audit.js";
import type { RegistryMetrics } from "./metrics.js";
import { type AgentRecord, type EventRecord, ownEntry, type Resolution } from "./model.js";
import { mergeRegistration, parseRegistration, validateRegistration } from "./registration.js";
import { type Env, makeEnv, resolveAgent } from "./resolve/agent.js";
import { differsForReference, sameResolution } from "./resolve/compare.js";
import { findRequiredCycle } from "./resolve/cycles.js";
import { type Candidate, type DependencyOutcome, resolveDependency } from "./resolve/dependency.js";
import type { EventQuery, RegistryStore, WriteBatch } from "./store/store.js";
import { Topology } from "./topology.js";
import { WatchHub } from "./watch-hub.js";

export interface CoreOptions {
  store: RegistryStore;
  clock: () => number;
  logger: Logger;
  metrics: RegistryMetrics;
  /** Alternatives listed per resolved dependency (0 turns the extension off). */
  maxAlternatives: number;
}

/**
 * What a full heartbeat did. "refused" is the reference's HTTP 200 `status:"error"` answer; a
 * body the client must fix throws a MeshError instead, and so does a store that cannot write.
 */
export type HeartbeatOutcome = {
  outcome: "registered" | "updated" | "refused";
  body: RegistrationResponse;
};

export class RegistryCore {
  readonly topo = new Topology();
  readonly watch = new WatchHub();
  /** Current resolution of every healthy agent, kept up to date as the mesh changes. */
  private readonly current = new Map<string, Resolution>();
  /** What each agent was last told (reference view): a difference means HEAD answers 202. */
  private readonly sent = new Map<string, Resolution>();
  private readonly counters = new Map<string, { total: number; resolved: number }>();
  private readonly pending = new Set<string>();
  private readonly audit = new AuditLog();
  private touches = new Map<string, number>();
  /** Schema hashes already written: schemas are content-addressed, most agents share them. */
  private readonly knownSchemas = new Set<string>();
  private seq = 0;

  constructor(readonly opts: CoreOptions) {}

  /** Rebuilds memory from the store and re-resolves everyone against the loaded topology. */
  async load(): Promise<void> {
    const state = await this.opts.store.load();
    for (const a of state.agents) {
      this.topo.put(a);
      for (const t of a.tools) this.seq = Math.max(this.seq, t.seq);
    }
    const env = this.env();
    for (const a of state.agents) {
      const stored = state.resolutions.get(a.agent_id);
      if (stored) this.sent.set(a.agent_id, stored);
      const out = resolveAgent(a, env, { trace: false, maxAlternatives: this.opts.maxAlternatives });
      this.current.set(a.agent_id, out.resolution);
      this.counters.set(a.agent_id, { total: out.total, resolved: out.resolved });
      if (stored && differsForReference(stored, out.resolution)) this.pending.add(a.agent_id);
    }
  }

  private env(): Env {
    return makeEnv(this.topo, () => undefined);
  }

  async fullHeartbeat(body: unknown): Promise<HeartbeatOutcome> {
    const now = this.opts.clock();
    let reg: AgentRegistration;
    try {
      reg = parseRegistration(body);
    } catch (e) {
      this.opts.metrics.registrations.inc({ outcome: "bad_request" });
      throw e;
    }
    const id = reg.agent_id as string;
    const existing = this.topo.get(id);
    const fail = (message: string): HeartbeatOutcome => {
      this.opts.metrics.registrations.inc({ outcome: "error" });
      return { outcome: "refused", body: { agent_id: id, status: "error", message, timestamp: rfc3339(now) } };
    };
    const invalid = validateRegistration(reg, !existing);
    if (invalid) return fail(invalid);
    const { agent, warnings } = mergeRegistration(reg, existing, now, () => ++this.seq);
    if (agent.tools.some((t) => t.dependencies.some((d) => d.required))) {
      const declarers = [...this.topo.requiredDeclarers].map((a) => this.topo.get(a) as AgentRecord);
      const cycle = findRequiredCycle(declarers, agent);
      if (cycle) return fail(`required dependency cycle: ${cycle}`);
    }

    const wasUnhealthy = existing !== undefined && existing.status !== "healthy";
    const providerChanged = !existing || wasUnhealthy || providerFingerprint(existing) !== providerFingerprint(agent);
    this.topo.put(agent);
    const env = this.env();
    const started = performance.now();
    const own = resolveAgent(agent, env, { trace: true, maxAlternatives: this.opts.maxAlternatives });
    this.opts.metrics.resolutionSeconds.observe({ scope: "heartbeat" }, (performance.now() - started) / 1000);

    const events: EventRecord[] = [];
    if (agent.agent_type !== "api" && (!existing || wasUnhealthy)) {
      events.push(registerEvent(agent, now, existing?.status));
    }
    events.push(...this.audit.eventsFor(agent, own.outcomes, own.resolution, this.current.get(id), now, true));
    this.current.set(id, own.resolution);
    this.sent.set(id, own.resolution);
    this.pending.delete(id);
    this.counters.set(id, { total: own.total, resolved: own.resolved });
    this.touches.delete(id);

    const batch: WriteBatch = {
      agents: [agent],
      resolutions: [{ agent_id: id, resolution: own.resolution, total: own.total, resolved: own.resolved }],
      events,
      schemas: schemasOf(agent, now).filter((sc) => !this.knownSchemas.has(sc.hash)),
    };
    for (const sc of batch.schemas ?? []) this.knownSchemas.add(sc.hash);
    if (providerChanged) this.propagate([...candidatesOf(existing), ...candidatesOf(agent)], env, now, batch, id);
    await this.commit(batch);
    this.opts.metrics.registrations.inc({ outcome: existing ? "updated" : "registered" });
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
    return { outcome: existing ? "updated" : "registered", body: response };
  }

  /**
   * HEAD /heartbeat/{id}: "gone" when unknown or unhealthy, "changed" when its resolution
   * changed since it was last told (it should POST), else "current".
   */
  fastHeartbeat(id: string): "current" | "changed" | "gone" {
    const agent = this.topo.get(id);
    if (!agent || agent.status !== "healthy") return "gone";
    const now = this.opts.clock();
    agent.updated_at = now;
    this.touches.set(id, now);
    return this.pending.has(id) ? "changed" : "current";
  }

  /** Heartbeat times are written in batches: losing a second of them on a crash is harmless. */
  async flushTouches(): Promise<void> {
    if (!this.touches.size) return;
    const touches = [...this.touches].map(([agent_id, updated_at]) => ({ agent_id, updated_at }));
    this.touches = new Map();
    await this.opts.store.write({ touches });
  }

  /** DELETE /agents/{id}: keep the row, mark it unhealthy, tell its consumers. */
  async unregister(id: string): Promise<void> {
    const agent = this.topo.get(id);
    if (!agent || agent.status === "unhealthy") return;
    const data = {
      agent_type: agent.agent_type,
      name: agent.name,
      version: agent.version,
      reason: "graceful_shutdown",
      source: "delete_endpoint",
    };
    await this.markUnhealthy([agent], agent.agent_type === "api" ? null : { type: "unregister", data });
  }

  /** Health transitions healthy → unhealthy (monitor, unregister, startup cleanup, watch loss). */
  async markUnhealthy(
    agents: AgentRecord[],
    event: { type: "unhealthy" | "unregister"; data: Record<string, unknown> } | null,
  ): Promise<void> {
    const now = this.opts.clock();
    const batch: WriteBatch = { statuses: [], events: [], resolutions: [] };
    const changed: Candidate[] = [];
    for (const a of agents) {
      this.topo.setStatus(a.agent_id, "unhealthy");
      batch.statuses?.push({ agent_id: a.agent_id, status: "unhealthy" });
      if (event && a.agent_type !== "api") {
        batch.events?.push({
          event_type: event.type,
          agent_id: a.agent_id,
          agent_name: a.name,
          function_name: "",
          timestamp: now,
          data: event.data,
        });
      }
      changed.push(...candidatesOf(a));
      this.pending.delete(a.agent_id);
    }
    this.propagate(changed, this.env(), now, batch, null);
    await this.commit(batch);
  }

  /** Deletes agents for good (retention sweep). */
  async purge(ids: string[]): Promise<void> {
    for (const id of ids) {
      this.topo.remove(id);
      this.current.delete(id);
      this.sent.delete(id);
      this.counters.delete(id);
      this.pending.delete(id);
      this.audit.forget(id);
    }
    await this.commit({ deletes: ids });
  }

  /** The agent as stored, or undefined. Callers read it; only the core changes it. */
  agent(id: string): Readonly<AgentRecord> | undefined {
    return this.topo.get(id);
  }

  /** A snapshot of every agent record, in registration order. */
  agents(): AgentRecord[] {
    return [...this.topo.agents.values()];
  }

  /** Renders agents as GET /agents shows them, against the topology as it is now. */
  viewer(): (a: AgentRecord) => Record<string, unknown> {
    const env = this.env();
    return (a) => agentInfo(a, this, env);
  }

  queryEvents(q: EventQuery): Promise<EventRecord[]> {
    return this.opts.store.queryEvents(q);
  }

  resolutionOf(id: string): Resolution | undefined {
    return this.current.get(id);
  }

  countersOf(id: string): { total: number; resolved: number } {
    return this.counters.get(id) ?? { total: 0, resolved: 0 };
  }

  /** The watch stream delivered this resolution: the agent is up to date, no 202 needed. */
  markDelivered(id: string, resolution: Resolution): void {
    this.sent.set(id, resolution);
    this.pending.delete(id);
  }

  /**
   * Re-resolves the consumers of changed capabilities. A consumer whose required dependency
   * flips changes its own availability, so its capabilities' consumers are visited too.
   */
  private propagate(changed: Candidate[], env: Env, now: number, batch: WriteBatch, self: string | null): void {
    const started = performance.now();
    const queue: string[] = [];
    const waiting = new Map<string, Map<string, Candidate[] | null>>();
    const enqueue = (cid: string, cap: string | null, providers: Candidate[] | null) => {
      if (cid === self) return;
      let caps = waiting.get(cid);
      if (!caps) {
        waiting.set(cid, (caps = new Map()));
        queue.push(cid);
      }
      if (!cap) return;
      const known = caps.get(cap);
      caps.set(cap, known === null || providers === null ? null : [...(known ?? []), ...providers]);
    };
    const byCap = new Map<string, Candidate[]>();
    for (const c of changed) byCap.set(c.tool.capability, [...(byCap.get(c.tool.capability) ?? []), c]);
    for (const [cap, providers] of byCap) for (const cid of this.topo.consumersOf(cap)) enqueue(cid, cap, providers);
    if (changed.length) for (const cid of this.topo.llmFilterConsumers) enqueue(cid, null, null);
    // Each consumer is re-queued only when a required position flips, which settles because
    // availability is memoised per environment; the bound is a guard, not a limit we expect.
    for (let steps = 0; queue.length && steps < 1_000_000; steps++) {
      const cid = queue.shift() as string;
      const only = waiting.get(cid) ?? new Map<string, Candidate[] | null>();
      waiting.delete(cid);
      const consumer = this.topo.get(cid);
      const prior = this.current.get(cid);
      if (!consumer || consumer.status !== "healthy") continue;
      const out = resolveAgent(consumer, env, {
        trace: false,
        maxAlternatives: this.opts.maxAlternatives,
        only,
        previous: prior,
      });
      // Nothing recomputed (no position could be affected): the resolution is the prior one.
      if (out.outcomes.size === 0 && !out.llmTouched) continue;
      if (sameResolution(prior, out.resolution)) continue;
      this.current.set(cid, out.resolution);
      const counters = this.counters.get(cid);
      this.counters.set(cid, { total: out.total, resolved: out.resolved });
      if (differsForReference(this.sent.get(cid), out.resolution)) this.pending.add(cid);
      const changed = new Map<string, DependencyOutcome>();
      for (const key of out.outcomes.keys()) {
        const pos = positionOf(consumer, key);
        if (!pos) continue;
        const before = ownEntry(prior?.dependencies_resolved, pos.fn)?.[pos.index];
        const after = ownEntry(out.resolution.dependencies_resolved, pos.fn)?.[pos.index];
        if (before?.agent_id === after?.agent_id && before?.function_name === after?.function_name) continue;
        changed.set(key, resolveDependency(pos.spec, env, true));
        if (pos.spec.required && before?.status !== after?.status) {
          for (const next of this.topo.consumersOf(pos.capability)) enqueue(next, pos.capability, null);
        }
      }
      batch.events?.push(...this.audit.eventsFor(consumer, changed, out.resolution, prior, now, false));
      const delivered = this.watch.watching(cid);
      if (delivered) {
        this.watch.publish({ agent_id: cid, ...out.resolution, timestamp: rfc3339(now) });
        this.markDelivered(cid, out.resolution);
      }
      if (delivered || counters?.total !== out.total || counters?.resolved !== out.resolved) {
        batch.resolutions?.push({
          agent_id: cid,
          resolution: delivered ? out.resolution : undefined,
          total: out.total,
          resolved: out.resolved,
        });
      }
    }
    this.opts.metrics.resolutionSeconds.observe({ scope: "propagation" }, (performance.now() - started) / 1000);
  }

  private async commit(batch: WriteBatch): Promise<void> {
    for (const e of batch.events ?? []) this.opts.metrics.events.inc({ type: e.event_type });
    await this.opts.store.write(batch);
  }

  refreshGauges(): void {
    const counts = { healthy: 0, unhealthy: 0, unknown: 0 };
    for (const a of this.topo.agents.values()) counts[a.status]++;
    for (const [status, n] of Object.entries(counts)) this.opts.metrics.agents.set({ status }, n);
  }
}

function positionOf(agent: AgentRecord, key: string) {
  const hash = key.lastIndexOf("#");
  const fn = key.slice(0, hash);
  const index = Number(key.slice(hash + 1));
  const tool = agent.tools.find((t) => t.function_name === fn);
  const spec = tool?.dependencies[index];
  return tool && spec ? { fn, index, spec, capability: tool.capability } : null;
}

/** What other agents see of a provider: if this is unchanged, nobody needs re-resolving. */
function providerFingerprint(a: AgentRecord): string {
  return JSON.stringify([a.status, a.http_host, a.http_port, a.entity_id, a.tools.map(({ seq, ...t }) => t)]);
}

function candidatesOf(agent: AgentRecord | undefined): Candidate[] {
  return agent ? agent.tools.map((tool) => ({ agent, tool })) : [];
}

function registerEvent(agent: AgentRecord, now: number, previous: string | undefined): EventRecord {
  const data: Record<string, unknown> = previous
    ? {
        reason: "recovery",
        old_status: previous,
        new_status: "healthy",
        detected_at: rfc3339(now),
        source: "status_change_hook",
        transition_type: `${previous}_to_healthy`,
        description: "Agent recovered",
      }
    : { agent_type: agent.agent_type, name: agent.name, version: agent.version };
  return {
    event_type: "register",
    agent_id: agent.agent_id,
    agent_name: agent.name,
    function_name: "",
    timestamp: now,
    data,
  };
}

function schemasOf(agent: AgentRecord, now: number): NonNullable<WriteBatch["schemas"]> {
  const out: NonNullable<WriteBatch["schemas"]> = [];
  for (const t of agent.tools) {
    if (t.input_schema_canonical && t.input_schema_hash) {
      out.push({
        hash: t.input_schema_hash,
        canonical: t.input_schema_canonical,
        runtime_origin: agent.runtime,
        created_at: now,
      });
    }
    if (t.output_schema_canonical && t.output_schema_hash) {
      out.push({
        hash: t.output_schema_hash,
        canonical: t.output_schema_canonical,
        runtime_origin: agent.runtime,
        created_at: now,
      });
    }
  }
  return out;
}
