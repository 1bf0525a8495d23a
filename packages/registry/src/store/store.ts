// The registry's storage contract. SQLite (embedded default) implements it now; PostgreSQL will
// implement the same interface. Reads happen once at start (the registry serves from memory);
// writes arrive as batches that an implementation may group into one transaction.
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
  /** Records an agent's owner; the row goes with the agent's when it is purged. */
  writeOwner?(agentId: string, owner: string): Promise<void>;
  /** Cheap round trip used by /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
