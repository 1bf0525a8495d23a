// The registry's records, normalised from the wire (defaults applied, nulls gone). Field names
// stay snake_case like the wire and the tables, so no layer renames anything.
import type {
  AgentStatus,
  EventType,
  LlmToolInfo,
  ResolvedDependency,
  ResolvedLlmProvider,
  Surface,
  TagTerm,
} from "@mcp-mesh/protocol";

export type { EventType };

export interface DepSpec {
  capability: string;
  tags: TagTerm[];
  version: string;
  namespace: string;
  required: boolean;
  expectedSchemaHash: string;
  expectedSchemaCanonical: Record<string, unknown> | null;
  matchMode: "" | "subset" | "strict";
}

export interface LlmProviderRequest {
  capability: string;
  tags: TagTerm[];
  version: string;
  namespace: string;
}

export interface ToolRecord {
  function_name: string;
  capability: string;
  version: string;
  tags: string[];
  description: string;
  dependencies: DepSpec[];
  input_schema: Record<string, unknown> | null;
  output_schema: Record<string, unknown> | null;
  input_schema_canonical: Record<string, unknown> | null;
  input_schema_hash: string;
  output_schema_canonical: Record<string, unknown> | null;
  output_schema_hash: string;
  schema_warnings: string[];
  llm_filter: Record<string, unknown> | null;
  llm_provider: LlmProviderRequest | null;
  kwargs: Record<string, unknown>;
  /**
   * Row order. The reference deletes and re-inserts an agent's capability rows on every full
   * heartbeat, and a few of its choices ("first row wins") follow that order; we keep it.
   */
  seq: number;
}

export interface AgentRecord {
  agent_id: string;
  name: string;
  agent_type: string;
  runtime: string;
  version: string;
  description: string;
  http_host: string;
  http_port: number;
  namespace: string;
  status: AgentStatus;
  a2a_producer: boolean;
  a2a_consumer: boolean;
  entity_id: string;
  surfaces: Surface[] | null;
  created_at: number;
  /** Last heartbeat of any kind (ms); the wire's `last_seen`. */
  updated_at: number;
  /** Last full heartbeat (POST), ms. */
  last_full_refresh: number;
  tools: ToolRecord[];
}

/** What one full heartbeat answers about an agent: its whole resolution. */
export interface Resolution {
  dependencies_resolved: Record<string, ResolvedDependency[]>;
  llm_tools: Record<string, LlmToolInfo[]>;
  llm_providers: Record<string, ResolvedLlmProvider>;
}

export interface EventRecord {
  id?: number;
  event_type: EventType;
  agent_id: string;
  agent_name: string;
  function_name: string;
  timestamp: number;
  data: Record<string, unknown> | null;
  /** `data` already serialised, when the writer had it (saves a second JSON.stringify). */
  dataJson?: string;
}

/** One string per agent record: each resolution that names the agent shares it. */
const endpoints = new WeakMap<object, string>();

export function endpointOf(agent: Pick<AgentRecord, "agent_id" | "http_host" | "http_port" | "entity_id">): string {
  let url = endpoints.get(agent);
  if (url === undefined) {
    url =
      !agent.http_host || !agent.http_port
        ? `stdio://${agent.agent_id}`
        : `${agent.entity_id ? "https" : "http"}://${agent.http_host}:${agent.http_port}`;
    endpoints.set(agent, url);
  }
  return url;
}

export function emptyResolution(): Resolution {
  return { dependencies_resolved: {}, llm_tools: {}, llm_providers: {} };
}

/** Maps keyed by agent-chosen names (function names): never read inherited keys like "constructor". */
export function ownEntry<T>(map: Record<string, T> | undefined, key: string): T | undefined {
  return map && Object.hasOwn(map, key) ? map[key] : undefined;
}
