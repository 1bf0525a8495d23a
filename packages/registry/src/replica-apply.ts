// Another replica's committed change, applied here through the same lane and the same
// propagation as our own changes: the changed agents' rows replace ours, their consumers are
// re-resolved (the resolver is deterministic, so every replica reaches the same resolutions),
// agents watching on this replica are pushed their new resolution, and HEAD's 202s follow
// "what each agent was last told", which the feed carries too. The replica that made the
// change wrote its events and audit; we write only what we told our own watchers.
import type { ResolutionUpdate } from "@mcp-mesh/protocol";
import type { Change } from "./change-lane.js";
import { candidatesOf, providerFingerprint } from "./change-records.js";
import type { JournaledTopology } from "./journal.js";
import { type MeshState, propagate } from "./propagate.js";
import { type Env, resolveAgent } from "./resolve/agent.js";
import { differsForReference } from "./resolve/compare.js";
import type { Candidate } from "./resolve/dependency.js";
import type { RemoteChange, WriteBatch } from "./store/store.js";

export interface ReplicaContext {
  topo: JournaledTopology;
  state: MeshState;
  env(): Env;
  /** Keeps this replica's tool numbering above every seq it has seen. */
  sawSeq(seq: number): void;
}

export function computeRemoteChange(ctx: ReplicaContext, change: RemoteChange, now: number): Change<void> {
  const { topo, state } = ctx;
  const changed: Candidate[] = [];
  const own = new Set<string>();
  for (const row of change.agents) {
    for (const t of row.tools) ctx.sawSeq(t.seq);
    const existing = topo.topo.get(row.agent_id);
    // Heartbeats this replica answered may be newer than the row's (touches are batched).
    if (existing && existing.updated_at > row.updated_at) row.updated_at = existing.updated_at;
    if (existing && providerFingerprint(existing) === providerFingerprint(row)) {
      topo.put(row);
      continue;
    }
    changed.push(...candidatesOf(existing), ...candidatesOf(row));
    topo.put(row);
    own.add(row.agent_id);
  }
  for (const id of change.gone) {
    const existing = topo.topo.get(id);
    if (!existing) continue;
    changed.push(...candidatesOf(existing));
    topo.remove(id);
    state.current.delete(id);
    state.sent.delete(id);
    state.counters.delete(id);
    state.pending.delete(id);
    state.audit.forget(id);
  }
  for (const [id, told] of change.told) if (topo.topo.get(id)) state.sent.set(id, told);

  const env = ctx.env();
  for (const id of own) {
    const a = topo.topo.get(id);
    if (!a || a.status !== "healthy") continue;
    const out = resolveAgent(a, env, { trace: false, maxAlternatives: state.maxAlternatives });
    state.current.set(id, out.resolution);
    state.counters.set(id, { total: out.total, resolved: out.resolved });
  }
  const batch: WriteBatch = { events: [], resolutions: [] };
  const deliveries: ResolutionUpdate[] = [];
  if (changed.length) propagate(state, changed, env, now, batch, null, deliveries);
  for (const id of new Set([...own, ...change.told.keys()])) {
    const a = topo.topo.get(id);
    const current = state.current.get(id);
    if (a?.status === "healthy" && current && differsForReference(state.sent.get(id), current)) state.pending.add(id);
    else state.pending.delete(id);
  }
  // Only what our watchers were told is ours to record; counters and audit are the origin's.
  return {
    batch: { resolutions: batch.resolutions?.filter((r) => r.resolution) ?? [] },
    result: undefined,
    deliveries,
  };
}
