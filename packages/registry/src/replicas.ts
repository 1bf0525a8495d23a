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
import type { RegistryStore, RemoteChange, WriteBatch } from "./store/store.js";
import type { Topology } from "./topology.js";

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

export interface ReplicaLinkOptions {
  store: RegistryStore;
  /** The durable topology (what readers outside the change lane see). */
  topology: () => Topology;
  /** The core's change lane. */
  run(compute: () => Change<void>): Promise<void>;
  context: ReplicaContext;
  clock: () => number;
}

/** A registry's link to the other replicas on its store (inert on a store of one). */
export class ReplicaLink {
  /** Whether this replica ran the health scan at its last tick (the monitor keeps it; /ready shows it). */
  leader = true;
  private readonly listeners = new Set<(change: RemoteChange) => void>();

  constructor(private readonly opts: ReplicaLinkOptions) {}

  /** Heartbeat times other replicas wrote, taken where newer than ours. */
  async syncHeartbeats(): Promise<void> {
    const times = await this.opts.store.heartbeatTimes?.();
    if (!times) return;
    for (const [id, at] of times) {
      const a = this.opts.topology().get(id);
      if (a && a.updated_at < at) a.updated_at = at;
    }
  }

  /** True while this replica runs the health scan and the sweep (always, alone). */
  async leads(): Promise<boolean> {
    return (await this.opts.store.leads?.()) ?? true;
  }

  /** Applies other replicas' changes as they commit, through our lane. Returns the stop function. */
  async follow(): Promise<() => Promise<void>> {
    const follow = this.opts.store.follow?.bind(this.opts.store);
    if (!follow) return async () => {};
    return follow((change) => this.apply(change));
  }

  /** Told of every other replica's change once applied (ownership learns owners from it). */
  onRemoteChange(listener: (change: RemoteChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async apply(change: RemoteChange): Promise<void> {
    await this.opts.run(() => computeRemoteChange(this.opts.context, change, this.opts.clock()));
    for (const l of this.listeners) l(change);
  }
}
