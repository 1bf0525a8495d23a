// Changes of an agent's standing that no heartbeat carries: healthy → unhealthy (health monitor,
// DELETE /agents/{id}, startup cleanup, watch loss) and deletion by the retention sweep. Each
// builds one change for the lane (change-lane.ts) against the core's memory, like a heartbeat.
import type { ResolutionUpdate } from "@mcp-mesh/protocol";
import type { Change } from "./change-lane.js";
import { candidatesOf } from "./change-records.js";
import type { JournaledTopology } from "./journal.js";
import type { AgentRecord } from "./model.js";
import { type MeshState, propagate } from "./propagate.js";
import type { Env } from "./resolve/agent.js";
import type { Candidate } from "./resolve/dependency.js";
import type { WriteBatch } from "./store/store.js";

export interface HealthEvent {
  type: "unhealthy" | "unregister";
  data: Record<string, unknown>;
}

/** What these changes read and write: the core's state, by reference. */
export interface StatusContext {
  topo: JournaledTopology;
  state: MeshState;
  env(): Env;
  now(): number;
}

/** The event DELETE /agents/{id} records (none for API agents, as the reference does). */
export function unregisterEvent(a: AgentRecord): HealthEvent | null {
  if (a.agent_type === "api") return null;
  return {
    type: "unregister",
    data: {
      agent_type: a.agent_type,
      name: a.name,
      version: a.version,
      reason: "graceful_shutdown",
      source: "delete_endpoint",
    },
  };
}

/**
 * Marks the agents unhealthy that still are and for which `stillApplies` holds when the change
 * runs (an agent may have heartbeated since it was chosen); their consumers are re-resolved.
 */
export function markUnhealthyChange(
  ctx: StatusContext,
  ids: string[],
  event: HealthEvent | null | ((a: AgentRecord) => HealthEvent | null),
  stillApplies: (a: AgentRecord) => boolean,
): Change<string[]> {
  const now = ctx.now();
  const topology = ctx.state.topology;
  const batch: WriteBatch = { statuses: [], events: [], resolutions: [] };
  const changed: Candidate[] = [];
  const marked: string[] = [];
  for (const id of ids) {
    const a = topology.get(id);
    if (!a || a.status !== "healthy" || !stillApplies(a)) continue;
    const ev = typeof event === "function" ? event(a) : event;
    ctx.topo.setStatus(id, "unhealthy");
    marked.push(id);
    batch.statuses?.push({ agent_id: id, status: "unhealthy" });
    if (ev && a.agent_type !== "api") {
      batch.events?.push({
        event_type: ev.type,
        agent_id: id,
        agent_name: a.name,
        function_name: "",
        timestamp: now,
        data: ev.data,
      });
    }
    changed.push(...candidatesOf(a));
    ctx.state.pending.delete(id);
  }
  const deliveries: ResolutionUpdate[] = [];
  if (marked.length) propagate(ctx.state, changed, ctx.env(), now, batch, null, deliveries);
  return { batch, result: marked, deliveries };
}

/** Deletes agents for good (retention sweep): their rows, events and everything remembered. */
export function purgeChange(ctx: StatusContext, ids: string[]): Change<void> {
  const s = ctx.state;
  for (const id of ids) {
    ctx.topo.remove(id);
    s.current.delete(id);
    s.sent.delete(id);
    s.counters.delete(id);
    s.pending.delete(id);
    s.audit.forget(id);
  }
  return { batch: { deletes: ids }, result: undefined };
}
