// Wire shapes of the registry API (PROTOCOL.md §1), as zod schemas plus the types they infer.
// The schemas mirror Go's JSON decoder: unknown keys are dropped, `null` means "absent", but a
// value of the wrong type is an error (the reference answers 400 "Invalid JSON payload").
import { z } from "zod";

/**
 * Longest value the registry stores for each field (characters; JSON values: characters of
 * their JSON text; lists: entries). Every registration is checked against all of them, the
 * first one or an update alike; docs/registry.md lists them.
 */
export const FIELD_LIMITS = {
  id: 253,
  name: 63,
  identifierText: 1024,
  version: 128,
  host: 253,
  /** The agent's description is also truncated to 256 characters when stored (reference). */
  agentDescription: 65_536,
  toolDescription: 8192,
  functionName: 256,
  capability: 256,
  tag: 128,
  tags: 64,
  hash: 256,
  text: 256,
  schemaWarnings: 64,
  schemaWarning: 1024,
  path: 1024,
  surfaces: 64,
  schemaJson: 262_144,
  smallJson: 65_536,
} as const;

const L = FIELD_LIMITS;
const text = (max: number) => z.string().max(max, { error: `longer than ${max} characters` });
const str = (max: number) => text(max).nullish();
const list = <T extends z.ZodType>(item: T, max: number) =>
  z.array(item).max(max, { error: `more than ${max} entries` });
const strList = (max: number = L.text, entries: number = L.tags) => list(text(max), entries).nullish();
/**
 * JSON.stringify of a parsed value, remembered per object: the size checks below and the
 * registry's interning of shared schemas both need the text of the same objects.
 */
const texts = new WeakMap<object, string>();
export function jsonText(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  let t = texts.get(v);
  if (t === undefined) texts.set(v, (t = JSON.stringify(v)));
  return t;
}

/** A JSON object whose JSON text is at most `max` characters. */
const json = (max: number) =>
  z.record(z.string(), z.unknown()).refine((v) => jsonText(v).length <= max, {
    error: `JSON text longer than ${max} characters`,
  });

/** A consumer tag term: "x" (required), "+x" (preferred), "-x" (excluded), or an OR group. */
export const TagTermSchema = z.union([text(L.tag), list(text(L.tag), L.tags)]);
const tagTerms = list(TagTermSchema, L.tags).nullish();

export const DependencySpecSchema = z.object({
  capability: str(L.capability),
  tags: tagTerms,
  version: str(L.version),
  namespace: str(L.name),
  required: z.boolean().nullish(),
  expectedSchemaCanonical: z
    .unknown()
    .refine((v) => v === undefined || jsonText(v).length <= L.schemaJson, {
      error: `JSON text longer than ${L.schemaJson} characters`,
    })
    .optional(),
  expectedSchemaHash: str(L.hash),
  matchMode: str(L.text),
});

export const LlmProviderSpecSchema = z.object({
  capability: str(L.capability),
  tags: tagTerms,
  version: str(L.version),
  namespace: str(L.name),
});

// llm_filter stays loosely typed on purpose: the reference stores it as free JSON and only
// skips the function when `filter` is not an array.
export const LlmFilterSchema = json(L.smallJson);

export const ToolRegistrationSchema = z.object({
  function_name: str(L.functionName),
  capability: str(L.capability),
  version: str(L.version),
  tags: strList(L.tag),
  description: str(L.toolDescription),
  dependencies: z.array(DependencySpecSchema).nullish(),
  inputSchema: json(L.schemaJson).nullish(),
  outputSchema: json(L.schemaJson).nullish(),
  inputSchemaCanonical: json(L.schemaJson).nullish(),
  inputSchemaHash: str(L.hash),
  outputSchemaCanonical: json(L.schemaJson).nullish(),
  outputSchemaHash: str(L.hash),
  schemaWarnings: strList(L.schemaWarning, L.schemaWarnings),
  llm_filter: LlmFilterSchema.nullish(),
  llm_provider: LlmProviderSpecSchema.nullish(),
  kwargs: json(L.smallJson).nullish(),
});

export const SurfaceSchema = z.object({
  path: text(L.path),
  skill_id: text(L.text),
  name: str(L.text),
  description: str(L.toolDescription),
  input_modes: strList(),
  output_modes: strList(),
  tags: strList(L.tag),
});

export const AgentRegistrationSchema = z.object({
  // id, name and namespace get the reference's "validation failed" answer up to this length;
  // the registry then checks them against id / name on every registration.
  agent_id: str(L.identifierText),
  name: str(L.identifierText),
  agent_type: str(L.text),
  runtime: str(L.text),
  version: str(L.version),
  description: str(L.agentDescription),
  http_host: str(L.host),
  http_port: z.number().int().nullish(),
  namespace: str(L.identifierText),
  timestamp: z.unknown().optional(),
  status: z.unknown().optional(),
  a2a_producer: z.boolean().nullish(),
  a2a_consumer: z.boolean().nullish(),
  surfaces: list(SurfaceSchema, L.surfaces).nullish(),
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
  /** Other providers that passed every filter, best first (our registry's extension, as for dependencies). */
  alternatives?: ResolvedAlternative[];
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
