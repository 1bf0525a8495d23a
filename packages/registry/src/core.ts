// The registry's state machine: full heartbeats, fast heartbeats, unregister, health
// transitions, and the propagation of a change to exactly the consumers it concerns.
//
// Changes run one at a time through the change lane (change-lane.ts): computed here in memory,
// written to the store, and only then applied and pushed. Routes and the health monitor see
// outcomes and read-only views, never the state itself.

import { type AgentInfo, type AgentRegistration, rfc3339, type Surface } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import { agentInfo } from "./agents-view.js";
import { AuditLog } from "./audit.js";
import { type Change, ChangeLane, type MeshChange, type MeshChangeListener } from "./change-lane.js";
import { HeartbeatTimes } from "./heartbeat-times.js";
import { Journal, JournaledMap, JournaledSet, JournaledTopology } from "./journal.js";
import type { RegistryMetrics } from "./metrics.js";
import { type AgentRecord, type EventRecord, emptyResolution, type Resolution } from "./model.js";
import type { MeshState } from "./propagate.js";
import { parseRegistration } from "./registration.js";
import { type HeartbeatOutcome, type RegistrationContext, registrationChange } from "./registration-change.js";
import { ReplicaLink } from "./replicas.js";
import { type Env, makeEnv, resolveAgent } from "./resolve/agent.js";
import { differsForReference } from "./resolve/compare.js";
import {
  type HealthEvent,
  markUnhealthyChange,
  purgeChange,
  type StatusContext,
  unregisterEvent,
} from "./status-changes.js";
import type { EventQuery, RegistryStore, SchemaEntry } from "./store/store.js";
import { Topology } from "./topology.js";
import { WatchHub, type WatchListener } from "./watch-hub.js";

export interface CoreOptions {
  store: RegistryStore;
  clock: () => number;
  logger: Logger;
  metrics: RegistryMetrics;
  /** Alternatives listed per resolved dependency (0 turns the extension off). */
  maxAlternatives: number;
}

/** What a fast heartbeat (HEAD) found: "changed" means the agent should POST again. */
export type FastHeartbeatOutcome = "current" | "changed" | "gone";

export type { HealthEvent, HeartbeatOutcome, MeshChange, MeshChangeListener };

export class RegistryCore {
  private readonly journal = new Journal();
  private readonly topo: JournaledTopology;
  private readonly watch = new WatchHub();
  /** Current resolution of every healthy agent, kept up to date as the mesh changes. */
  private readonly current = JournaledMap.on<string, Resolution>(this.journal);
  /** What each agent was last told (reference view): a difference means HEAD answers 202. */
  private readonly sent = JournaledMap.on<string, Resolution>(this.journal);
  private readonly counters = JournaledMap.on<string, { total: number; resolved: number }>(this.journal);
  private readonly pending = new JournaledSet<string>(this.journal);
  private readonly audit = new AuditLog(JournaledMap.on(this.journal));
  private readonly touches = new HeartbeatTimes();
  /** Schema hashes already written: schemas are content-addressed, most agents share them. */
  private readonly knownSchemas = new JournaledSet<string>(this.journal);
  private seq = 0;
  private readonly lane: ChangeLane;
  /** Replicas sharing the store: the change feed, heartbeat times, the leader lock. */
  readonly replicas: ReplicaLink;

  private readonly state: MeshState;
  private readonly statusContext: StatusContext;
  private readonly registrationContext: RegistrationContext;

  constructor(private readonly opts: CoreOptions) {
    this.topo = new JournaledTopology(new Topology(), this.journal);
    this.lane = new ChangeLane({ ...opts, journal: this.journal, watch: this.watch });
    this.state = {
      topology: this.topo.topo,
      current: this.current,
      sent: this.sent,
      counters: this.counters,
      pending: this.pending,
      audit: this.audit,
      isWatched: (id) => this.watch.watching(id),
      maxAlternatives: opts.maxAlternatives,
      metrics: opts.metrics,
    };
    this.statusContext = { topo: this.topo, state: this.state, env: () => this.env(), now: () => opts.clock() };
    this.registrationContext = {
      ...this.statusContext,
      knownSchemas: this.knownSchemas,
      nextSeq: () => ++this.seq,
      forgetTouches: (id) => this.touches.forget(id),
    };
    this.replicas = new ReplicaLink({
      store: opts.store,
      topology: () => this.durable(),
      run: (compute) => this.change(compute),
      context: {
        topo: this.topo,
        state: this.state,
        env: () => this.env(),
        sawSeq: (seq) => {
          if (seq > this.seq) this.seq = seq;
        },
      },
      clock: opts.clock,
    });
  }

  get metrics(): RegistryMetrics {
    return this.opts.metrics;
  }

  get logger(): Logger {
    return this.opts.logger;
  }

  get storeKind(): string {
    return this.opts.store.kind;
  }

  now(): number {
    return this.opts.clock();
  }

  /** The topology as the lane's computations see it (with changes not yet durable). */
  private get topology(): Topology {
    return this.topo.topo;
  }

  /**
   * The topology with only durable changes in memory: every reader outside the change lane
   * starts here (change-lane.ts, "ahead").
   */
  private durable(): Topology {
    this.lane.durable();
    return this.topo.topo;
  }

  /** Rebuilds memory from the store and re-resolves everyone against the loaded topology. */
  async load(): Promise<void> {
    const state = await this.opts.store.load();
    for (const a of state.agents) {
      this.topology.put(a);
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
    return makeEnv(this.topology, () => undefined);
  }

  /** Runs one change through the lane (change-lane.ts): computed, written, then applied. */
  private change<T>(compute: () => Change<T>): Promise<T> {
    return this.lane.run(compute);
  }

  /** `entityId`: the verified client certificate's identity, "" without one (its endpoint is then http). */
  async fullHeartbeat(body: unknown, entityId = ""): Promise<HeartbeatOutcome> {
    let reg: AgentRegistration;
    try {
      reg = parseRegistration(body);
    } catch (e) {
      this.opts.metrics.registrations.inc({ outcome: "bad_request" });
      throw e;
    }
    return this.change(() => registrationChange(this.registrationContext, reg, entityId));
  }

  /** HEAD /heartbeat/{id}: only the heartbeat time changes, and that is written in batches. */
  fastHeartbeat(id: string): FastHeartbeatOutcome {
    const agent = this.durable().get(id);
    if (!agent || agent.status !== "healthy") return "gone";
    const now = this.opts.clock();
    agent.updated_at = now;
    this.touches.touch(id, now);
    return this.pending.has(id) ? "changed" : "current";
  }

  /** Heartbeat times are written in batches (heartbeat-times.ts). */
  flushTouches(): Promise<void> {
    return this.touches.flush(this.opts.store);
  }

  /** DELETE /agents/{id}: keep the row, mark it unhealthy, tell its consumers. */
  async unregister(id: string): Promise<void> {
    await this.markUnhealthy([id], unregisterEvent);
  }

  /**
   * Health transitions healthy → unhealthy (monitor, unregister, startup cleanup, watch loss).
   * `stillApplies` is checked again when the change runs, since the agent may have heartbeated
   * meanwhile. Returns the ids that were marked.
   */
  markUnhealthy(
    ids: string[],
    event: HealthEvent | null | ((a: AgentRecord) => HealthEvent | null),
    stillApplies: (a: AgentRecord) => boolean = () => true,
  ): Promise<string[]> {
    return this.change(() => markUnhealthyChange(this.statusContext, ids, event, stillApplies));
  }

  /** Deletes agents for good (retention sweep). */
  purge(ids: string[]): Promise<void> {
    return this.change(() => purgeChange(this.statusContext, ids));
  }

  /** Keeps the newest `maxRows` events. */
  trimEvents(maxRows: number): Promise<number> {
    return this.opts.store.trimEvents(maxRows);
  }

  /** The agent as stored, or undefined. Callers read it; only the core changes it. */
  agent(id: string): Readonly<AgentRecord> | undefined {
    return this.durable().get(id);
  }

  /** A snapshot of every agent record, in registration order. */
  agents(): AgentRecord[] {
    return [...this.durable().agents.values()];
  }

  get agentCount(): number {
    return this.durable().agents.size;
  }

  /** Registered agents without a copy, for scans that finish before anything else runs. */
  eachAgent(): IterableIterator<AgentRecord> {
    return this.durable().agents.values();
  }

  /** Renders agents as GET /agents shows them, against the topology as it is now. */
  viewer(): (a: AgentRecord) => AgentInfo {
    this.durable();
    const env = this.env();
    return (a) => agentInfo(a, this, env);
  }

  surfaces(): Surface[] {
    return this.agents().flatMap((a) => a.surfaces ?? []);
  }

  queryEvents(q: EventQuery): Promise<EventRecord[]> {
    return this.opts.store.queryEvents(q);
  }

  listSchemas(limit: number): Promise<SchemaEntry[]> {
    return this.opts.store.listSchemas(limit);
  }

  getSchema(hash: string): Promise<SchemaEntry | undefined> {
    return this.opts.store.getSchema(hash);
  }

  /** Throws when the store cannot be reached (GET /ready). */
  ping(): Promise<void> {
    return this.opts.store.ping();
  }

  resolutionOf(id: string): Resolution | undefined {
    this.durable();
    return this.current.get(id);
  }

  /** A full resolution from scratch against the topology now (what propagation must equal). */
  freshResolution(id: string): Resolution | undefined {
    const a = this.durable().get(id);
    if (!a) return undefined;
    return resolveAgent(a, this.env(), { trace: false, maxAlternatives: this.opts.maxAlternatives }).resolution;
  }

  countersOf(id: string): { total: number; resolved: number } {
    this.durable();
    return this.counters.get(id) ?? { total: 0, resolved: 0 };
  }

  /**
   * Subscribes a watch stream: the listener gets the current resolution at once (which counts
   * as delivered: no 202 needed), then every change. Returns the unsubscribe function.
   */
  watchAgent(id: string, listener: WatchListener): () => void {
    this.durable();
    const current = this.current.get(id) ?? emptyResolution();
    listener({ agent_id: id, ...current, timestamp: rfc3339(Date.now()) });
    this.markDelivered(id, current);
    const unsubscribe = this.watch.subscribe(id, listener);
    this.opts.metrics.watchConnections.inc();
    return () => {
      unsubscribe();
      this.opts.metrics.watchConnections.dec();
    };
  }

  /**
   * Subscribes to the mesh's committed changes (registrations, health transitions, re-wirings):
   * the listener gets the types and agents of the events each change recorded.
   */
  onMeshChange(listener: MeshChangeListener): () => void {
    return this.lane.onMeshChange(listener);
  }

  isWatched(id: string): boolean {
    return this.watch.watching(id);
  }

  /** The watch stream delivered this resolution: the agent is up to date, no 202 needed. */
  private markDelivered(id: string, resolution: Resolution): void {
    this.sent.set(id, resolution);
    this.pending.delete(id);
  }

  /** Prometheus text of the registry's metrics, gauges brought up to date first. */
  async metricsText(): Promise<{ contentType: string; body: string }> {
    const counts = { healthy: 0, unhealthy: 0, unknown: 0 };
    for (const a of this.durable().agents.values()) counts[a.status]++;
    for (const [status, n] of Object.entries(counts)) this.opts.metrics.agents.set({ status }, n);
    this.opts.metrics.watchConnections.set(this.watch.connections);
    const { registry } = this.opts.metrics;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }
}
