// What the registry's read endpoints answer: GET /agents, GET /agents/{id}, GET /events
// (PROTOCOL.md §1.5, §1.8, docs/registry.md). Clients read these shapes; since a reference
// registry may omit or null many fields, those are optional here.
import type { LlmToolInfo, ResolvedDependency, ResolvedLlmProvider } from "./wire.js";

export interface CapabilityInfo {
  name: string;
  function_name: string;
  version?: string;
  description?: string;
  tags?: string[] | null;
  available?: boolean;
  unavailable_reason?: string;
  llm_filter?: unknown;
  llm_provider?: unknown;
  /** True for a tool that runs as a task (kwargs.task). */
  task?: boolean;
  /** Our registry only: "text" for a tool that streams its result (kwargs.stream_type). */
  stream_type?: string;
}

export interface DependencyResolutionInfo {
  function_name: string;
  capability: string;
  status: "available" | "unavailable" | "unresolved" | string;
  tags?: string[];
  mcp_tool?: string;
  provider_agent_id?: string;
  endpoint?: string;
}

export interface AgentInfo {
  id: string;
  name: string;
  agent_type?: string;
  runtime?: string;
  version?: string;
  description?: string;
  a2a_producer?: boolean;
  a2a_consumer?: boolean;
  status: string;
  endpoint: string;
  namespace?: string;
  created_at?: string;
  last_seen?: string;
  total_dependencies?: number;
  dependencies_resolved?: number;
  capabilities?: CapabilityInfo[] | null;
  dependency_resolutions?: DependencyResolutionInfo[] | null;
  llm_tool_resolutions?: Array<Record<string, unknown>> | null;
  llm_provider_resolutions?: Array<Record<string, unknown>> | null;
  /** Only from our registry's GET /agents/{id}: the positional resolution with alternatives. */
  resolution?: {
    dependencies_resolved?: Record<string, ResolvedDependency[]>;
    llm_tools?: Record<string, LlmToolInfo[]>;
    llm_providers?: Record<string, ResolvedLlmProvider>;
  } | null;
}

export interface AuditStage {
  stage: string;
  kept?: string[];
  evicted?: Array<{ id: string; reason: string; details?: Record<string, unknown> }>;
  chosen?: string;
  reason?: string;
}

export interface AuditData {
  consumer?: string;
  dep_index?: number;
  spec?: { capability?: string; tags?: unknown[]; version_constraint?: string; schema_mode?: string };
  stages?: AuditStage[];
  chosen?: { agent_id: string; endpoint?: string; function_name: string };
  prior_chosen?: { agent_id: string; endpoint?: string; function_name: string } | null;
}

export interface EventInfo {
  event_type: string;
  agent_id: string;
  agent_name?: string;
  function_name?: string;
  timestamp: string;
  data?: Record<string, unknown> & AuditData;
}

/** GET /agents. `agents` is null, not [], when empty (the reference does this). */
export interface AgentListResponse {
  agents: AgentInfo[] | null;
  count: number;
  timestamp: string;
  /** With `?limit=` (ours): pass it back as `after=` for the next page; absent on the last. */
  next?: string;
}

/** GET /events, newest first. */
export interface EventListResponse {
  count: number;
  events: EventInfo[];
}
