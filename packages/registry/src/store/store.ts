// The registry's storage contract, implemented by SQLite (embedded default) and PostgreSQL
// (several replicas share one database). Reads happen once at start (the registry serves from
// memory); writes arrive as batches that an implementation may group into one transaction. A
// shared store adds the optional replica members at the end: a change feed of other replicas'
// writes, heartbeat times written elsewhere, and the leader lock.
import type { AgentRecord, EventRecord, EventType, Resolution } from "../model.js";

export interface StoredState {
  agents: AgentRecord[];
  /** Last resolution sent to each agent (what its own POST answered, or the watch pushed). */
  resolutions: Map<string, Resolution>;
}

export interface WriteBatch {
  /** Full agent rows with their tools (replaces the capability rows). */
  agents?: AgentRecord[];
  /** Heartbeat times only (HEAD). */
  touches?: Array<{ agent_id: string; updated_at: number }>;
  statuses?: Array<{ agent_id: string; status: AgentRecord["status"] }>;
  /**
   * `resolution` is what the agent was last told (its POST answer or a watch push), omitted when
   * only the counters moved; on restart a difference from the recomputed one means HEAD → 202.
   */
  resolutions?: Array<{ agent_id: string; resolution?: Resolution; total: number; resolved: number }>;
  events?: EventRecord[];
  deletes?: string[];
  schemas?: Array<{ hash: string; canonical: Record<string, unknown>; runtime_origin: string; created_at: number }>;
}

/** Each list is an OR of its values (empty: no filter); the lists combine with AND. */
export interface EventQuery {
  types: EventType[];
  agent_ids: string[];
  function_names: string[];
  limit: number;
}

export interface SchemaEntry {
  hash: string;
  canonical: Record<string, unknown>;
  runtime_origin: string;
  created_at: number;
}

export interface RegistryStore {
  /** "sqlite" | "postgres", for logs and /health. */
  readonly kind: string;
  migrate(): Promise<void>;
  load(): Promise<StoredState>;
  /** Resolves once the batch is durable. */
  write(batch: WriteBatch): Promise<void>;
  /**
   * True when writes issued in the same tick are committed as one transaction, in order, all or
   * nothing: the change lane then writes a group of changes at once (group commit). A store
   * without it gets one change per write.
   */
  readonly groupCommit?: boolean;
  queryEvents(q: EventQuery): Promise<EventRecord[]>;
  /** Keep the newest `maxRows` events; returns how many were removed. */
  trimEvents(maxRows: number): Promise<number>;
  listSchemas(limit: number): Promise<SchemaEntry[]>;
  getSchema(hash: string): Promise<SchemaEntry | undefined>;
  /** agent_id → owning credential id (optional: a store without it keeps ownership in memory). */
  loadOwners?(): Promise<Map<string, string>>;
  /**
   * Records an agent's owner; the row goes with the agent's when it is purged. A shared store
   * keeps the first owner written (another replica may have won) and returns the stored one.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a store of one (SQLite) returns nothing.
  writeOwner?(agentId: string, owner: string): Promise<string | undefined | void>;
  /**
   * Shared stores only: calls `apply` with every change other replicas commit, in commit order
   * (also the ones missed while the database was unreachable). Resolves once listening;
   * returns the stop function.
   */
  follow?(apply: (change: RemoteChange) => Promise<void>): Promise<() => Promise<void>>;
  /** Shared stores only: heartbeat times of healthy agents as stored (every replica's touches). */
  heartbeatTimes?(): Promise<Map<string, number>>;
  /**
   * Shared stores only: true while this replica holds the leader lock (taken here when free).
   * Only the leader runs the health scan and the retention sweep. A store without it leads.
   */
  leads?(): Promise<boolean>;
  /** Cheap round trip used by /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Agents other replicas changed, as the store has them now. */
export interface RemoteChange {
  /** Rows of agents written, or whose status changed. */
  agents: AgentRecord[];
  /** Agents deleted (purged). */
  gone: string[];
  /** What agents were last told, where another replica told them. */
  told: Map<string, Resolution>;
  /** Owners of the changed agents (registrations with credentials). */
  owners: Map<string, string>;
}
