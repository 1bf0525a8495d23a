// What GET /agents, GET /agents/{id} and GET /events return: the shapes live in
// @mcp-mesh/protocol (re-exported here for meshctl's modules), with meshctl's reading helpers.
import type { AgentInfo, CapabilityInfo } from "@mcp-mesh/protocol";

export type {
  AgentInfo,
  AuditData,
  AuditStage,
  CapabilityInfo,
  DependencyResolutionInfo,
  EventInfo,
} from "@mcp-mesh/protocol";

/** Tools the runtimes add for themselves; hidden the way the reference meshctl hides them. */
export function isFrameworkTool(functionName: string): boolean {
  return functionName.startsWith("__mesh_");
}

export function userCapabilities(agent: AgentInfo): CapabilityInfo[] {
  return (agent.capabilities ?? []).filter((c) => !isFrameworkTool(c.function_name));
}
