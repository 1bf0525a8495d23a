// What GET /agents, GET /agents/{id} and GET /events return (PROTOCOL.md §1.5, §1.8 and
// docs/registry.md). Read-only views: meshctl never sends these shapes, so every field a
// reference registry may omit or null is optional here.
import type { ResolvedDependency } from "@mcp-mesh/protocol";

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
  status: string;
  endpoint: string;
  namespace?: string;
  created_at?: string;
  last_seen?: string;
  total_dependencies?: number;
  dependencies_resolved?: number;
  capabilities?: CapabilityInfo[] | null;
  dependency_resolutions?: DependencyResolutionInfo[] | null;
  /** Only from our registry's GET /agents/{id}: the positional resolution with alternatives. */
  resolution?: { dependencies_resolved?: Record<string, ResolvedDependency[]> };
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

/** Tools the runtimes add for themselves; hidden the way the reference meshctl hides them. */
export function isFrameworkTool(functionName: string): boolean {
  return functionName.startsWith("__mesh_");
}

export function userCapabilities(agent: AgentInfo): CapabilityInfo[] {
  return (agent.capabilities ?? []).filter((c) => !isFrameworkTool(c.function_name));
}
