// Wire shapes of the registry API (PROTOCOL.md §1), as zod schemas plus the types they infer.
// The schemas mirror Go's JSON decoder: unknown keys are dropped, `null` means "absent", but a
// value of the wrong type is an error (the reference answers 400 "Invalid JSON payload").
import { z } from "zod";

const str = z.string().nullish();
const strList = z.array(z.string()).nullish();

/** A consumer tag term: "x" (required), "+x" (preferred), "-x" (excluded), or an OR group. */
export const TagTermSchema = z.union([z.string(), z.array(z.string())]);

export const DependencySpecSchema = z.object({
  capability: str,
  tags: z.array(TagTermSchema).nullish(),
  version: str,
  namespace: str,
  required: z.boolean().nullish(),
  expectedSchemaCanonical: z.unknown().optional(),
  expectedSchemaHash: str,
  matchMode: str,
});

export const LlmProviderSpecSchema = z.object({
  capability: str,
  tags: z.array(TagTermSchema).nullish(),
  version: str,
  namespace: str,
});

// llm_filter stays loosely typed on purpose: the reference stores it as free JSON and only
// skips the function when `filter` is not an array.
export const LlmFilterSchema = z.record(z.string(), z.unknown());

const jsonObject = z.record(z.string(), z.unknown());

export const ToolRegistrationSchema = z.object({
  function_name: str,
  capability: str,
  version: str,
  tags: strList,
  description: str,
  dependencies: z.array(DependencySpecSchema).nullish(),
  inputSchema: jsonObject.nullish(),
  outputSchema: jsonObject.nullish(),
  inputSchemaCanonical: jsonObject.nullish(),
  inputSchemaHash: str,
  outputSchemaCanonical: jsonObject.nullish(),
  outputSchemaHash: str,
  schemaWarnings: strList,
  llm_filter: LlmFilterSchema.nullish(),
  llm_provider: LlmProviderSpecSchema.nullish(),
  kwargs: jsonObject.nullish(),
});

export const SurfaceSchema = z.object({
  path: z.string(),
  skill_id: z.string(),
  name: str,
  description: str,
  input_modes: strList,
  output_modes: strList,
  tags: strList,
});

export const AgentRegistrationSchema = z.object({
  agent_id: str,
  name: str,
  agent_type: str,
  runtime: str,
  version: str,
  description: str,
  http_host: str,
  http_port: z.number().int().nullish(),
  namespace: str,
  timestamp: z.unknown().optional(),
  status: z.unknown().optional(),
  a2a_producer: z.boolean().nullish(),
  a2a_consumer: z.boolean().nullish(),
  surfaces: z.array(SurfaceSchema).nullish(),
  tools: z.array(ToolRegistrationSchema).nullish(),
});

export type TagTerm = z.infer<typeof TagTermSchema>;
export type DependencySpec = z.infer<typeof DependencySpecSchema>;
export type LlmProviderSpec = z.infer<typeof LlmProviderSpecSchema>;
export type ToolRegistration = z.infer<typeof ToolRegistrationSchema>;
export type AgentRegistration = z.infer<typeof AgentRegistrationSchema>;
export type Surface = z.infer<typeof SurfaceSchema>;

export const AGENT_TYPES = ["mcp_agent", "api", "a2a", "mesh_tool", "decorator_agent"] as const;
export const RUNTIMES = ["python", "typescript", "java"] as const;
export const AGENT_STATUSES = ["healthy", "unhealthy", "unknown"] as const;
export type AgentType = (typeof AGENT_TYPES)[number];
export type Runtime = (typeof RUNTIMES)[number];
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** One position of `dependencies_resolved[fn]`; `alternatives` is our extension. */
export interface ResolvedDependency {
  agent_id: string;
  function_name: string;
  endpoint: string;
  capability: string;
  status: "available" | "unresolved";
  kwargs?: Record<string, unknown>;
  /** Other healthy providers that passed every filter, best first (not in the reference). */
  alternatives?: ResolvedAlternative[];
}

export interface ResolvedAlternative {
  agent_id: string;
  function_name: string;
  endpoint: string;
  kwargs?: Record<string, unknown>;
  /** True when it ties with the primary on score and version: a replica to spread load over. */
  equal: boolean;
}

export interface LlmToolInfo {
  name: string;
  capability: string;
  description: string;
  inputSchema: Record<string, unknown>;
  tags: string[];
  version: string;
  endpoint: string;
}

export interface ResolvedLlmProvider {
  name: string;
  endpoint: string;
  agent_id: string;
  capability: string;
  status: "available";
  vendor: string;
  tags?: string[];
  version?: string;
  kwargs?: Record<string, unknown>;
}

export interface RegistrationResponse {
  agent_id: string;
  status: "success" | "error";
  message: string;
  timestamp: string;
  dependencies_resolved?: Record<string, ResolvedDependency[]>;
  llm_tools?: Record<string, LlmToolInfo[]>;
  llm_providers?: Record<string, ResolvedLlmProvider>;
  warnings?: string[];
}

/** What the watch stream pushes: the same resolution fields a full heartbeat returns. */
export interface ResolutionUpdate {
  agent_id: string;
  dependencies_resolved: Record<string, ResolvedDependency[]>;
  llm_tools: Record<string, LlmToolInfo[]>;
  llm_providers: Record<string, ResolvedLlmProvider>;
  timestamp: string;
}

export const AGENT_ID_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Go's RFC3339 JSON time; ours carries milliseconds (Go parses any fraction length). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
