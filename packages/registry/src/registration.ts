// Turns a POST /heartbeat body into an AgentRecord: wire validation (400s), semantic validation
// (the reference's HTTP 200 `status:"error"` answers) and the reference's merge rules for an
// agent that is already known (PROTOCOL.md §1.2 "What a POST does").
import {
  AGENT_ID_PATTERN,
  AGENT_TYPES,
  type AgentRegistration,
  AgentRegistrationSchema,
  type ErrorCode,
  ErrorCodes,
  FIELD_LIMITS,
  MeshError,
  RUNTIMES,
  type ToolRegistration,
} from "@mcp-mesh/protocol";
import { interned } from "./intern.js";
import type { AgentRecord, DepSpec, ToolRecord } from "./model.js";

export const LIMITS = {
  /** Tools per agent; a real agent has tens. Past this a registration is refused with 400. */
  maxTools: 2000,
  /** Dependencies per tool. */
  maxDependencies: 256,
  /** Nesting depth of any JSON value (schemas, kwargs); deeper is refused with 400. */
  maxDepth: 64,
  descriptionChars: 256,
} as const;

/** Validates the wire shape; a body a client must fix throws a MeshError (an HTTP 400). */
export function parseRegistration(body: unknown): AgentRegistration {
  const bad = (code: ErrorCode, message: string) => new MeshError(code, message);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw bad(ErrorCodes.INVALID_JSON, "Invalid JSON payload: body must be a JSON object");
  }
  const depth = jsonDepth(body, LIMITS.maxDepth + 1);
  if (depth > LIMITS.maxDepth) {
    throw bad(ErrorCodes.INVALID_REQUEST, `Invalid JSON payload: nesting deeper than ${LIMITS.maxDepth} levels`);
  }
  const parsed = AgentRegistrationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "body";
    const tooLong = issue?.code === "too_big";
    throw bad(
      tooLong ? ErrorCodes.INVALID_REQUEST : ErrorCodes.INVALID_JSON,
      `Invalid JSON payload: ${where}: ${issue?.message ?? "invalid"}`,
    );
  }
  const reg = parsed.data;
  if (!reg.agent_id) throw bad(ErrorCodes.AGENT_ID_REQUIRED, "agent_id is required");
  const tools = reg.tools ?? [];
  if (tools.length > LIMITS.maxTools) {
    throw bad(
      ErrorCodes.INVALID_REQUEST,
      `Invalid JSON payload: tools has ${tools.length} entries (limit ${LIMITS.maxTools})`,
    );
  }
  for (const t of tools) {
    if ((t.dependencies?.length ?? 0) > LIMITS.maxDependencies) {
      throw bad(
        ErrorCodes.INVALID_REQUEST,
        `Invalid JSON payload: tool ${t.function_name} has ${t.dependencies?.length} dependencies (limit ${LIMITS.maxDependencies})`,
      );
    }
  }
  return reg;
}

/** Depth of a JSON value, stopping early once `cap` is reached (bounded work on hostile input). */
function jsonDepth(value: unknown, cap: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop() as [unknown, number];
    if (d > max) max = d;
    if (max >= cap) return max;
    if (v !== null && typeof v === "object") {
      for (const child of Object.values(v as object)) {
        if (child !== null && typeof child === "object") stack.push([child, d + 1]);
      }
    }
  }
  return max;
}

/** Semantic checks; each failure is a `status:"error"` answer with HTTP 200, like the reference. */
export function validateRegistration(reg: AgentRegistration, isNew: boolean): string | null {
  const id = reg.agent_id ?? "";
  if (isNew && (id.length > FIELD_LIMITS.id || !AGENT_ID_PATTERN.test(id))) {
    return "validation failed: agent_id: agent_id must contain only lowercase alphanumeric characters and hyphens";
  }
  // Checked on updates too: an update replaces the stored name and namespace.
  if (reg.name && (reg.name.length > FIELD_LIMITS.name || !AGENT_ID_PATTERN.test(reg.name))) {
    return "validation failed: name: name must contain only lowercase alphanumeric characters and hyphens";
  }
  if (reg.namespace && (reg.namespace.length > FIELD_LIMITS.name || !AGENT_ID_PATTERN.test(reg.namespace))) {
    return "validation failed: namespace: namespace must contain only lowercase alphanumeric characters and hyphens";
  }
  if (reg.runtime && !(RUNTIMES as readonly string[]).includes(reg.runtime)) {
    return `failed to register agent: failed to create agent: ent: validator failed for field "Agent.runtime": runtime value is not valid: "${reg.runtime}"`;
  }
  if (reg.agent_type && !(AGENT_TYPES as readonly string[]).includes(reg.agent_type)) {
    return `failed to register agent: failed to create agent: ent: validator failed for field "Agent.agent_type": agent_type value is not valid: "${reg.agent_type}"`;
  }
  if (reg.http_port != null && (reg.http_port < 0 || reg.http_port > 65535)) {
    return `validation failed: http_port: ${reg.http_port} is not a TCP port (0-65535)`;
  }
  for (const t of reg.tools ?? []) {
    const mode = t.dependencies?.find((d) => d.matchMode && d.matchMode !== "subset" && d.matchMode !== "strict");
    if (mode) return `validation failed: matchMode: must be "subset" or "strict", got "${mode.matchMode}"`;
  }
  return null;
}

export interface MergeResult {
  agent: AgentRecord;
  warnings: string[];
}

/** Applies a registration over the stored agent (or none), following the reference's rules. */
export function mergeRegistration(
  reg: AgentRegistration,
  existing: AgentRecord | undefined,
  now: number,
  nextSeq: () => number,
  /** Who registered over mTLS (PROTOCOL.md: an agent with an entity id is dialled over https). */
  entityId = "",
): MergeResult {
  const warnings: string[] = [];
  const id = reg.agent_id as string;
  let description = existing?.description ?? "";
  if (reg.description != null) {
    description = reg.description.trim();
    if ([...description].length > LIMITS.descriptionChars) {
      warnings.push(`description truncated from ${[...description].length} to ${LIMITS.descriptionChars} chars`);
      description = [...description].slice(0, LIMITS.descriptionChars).join("");
    }
  }
  // An update keeps stored metadata unless the new value differs from the default (quirk kept
  // for compatibility: reference agents resend defaults and expect nothing to be reset).
  const pick = <T>(value: T | null | undefined, isSet: (v: T) => boolean, stored: T | undefined, fallback: T): T =>
    value != null && (isSet(value) || !existing) ? value : (stored ?? fallback);
  const agent: AgentRecord = {
    agent_id: id,
    name: pick(reg.name, (v) => v !== "" && v !== id, existing?.name, id) || id,
    agent_type: pick(reg.agent_type, (v) => v !== "mcp_agent", existing?.agent_type, "mcp_agent") || "mcp_agent",
    runtime: pick(reg.runtime, (v) => v !== "python", existing?.runtime, "python") || "python",
    version: reg.version ?? existing?.version ?? "",
    description,
    http_host: reg.http_host ? reg.http_host : (existing?.http_host ?? ""),
    http_port: reg.http_port && reg.http_port > 0 ? reg.http_port : (existing?.http_port ?? 0),
    namespace: pick(reg.namespace, (v) => v !== "default", existing?.namespace, "default") || "default",
    status: "healthy",
    a2a_producer: reg.a2a_producer ?? existing?.a2a_producer ?? false,
    a2a_consumer: reg.a2a_consumer ?? existing?.a2a_consumer ?? false,
    // From this registration's connection, not kept: an agent that comes back without its
    // certificate serves plain HTTP again, and its endpoint says so.
    entity_id: entityId,
    surfaces: reg.surfaces ?? existing?.surfaces ?? null,
    created_at: existing?.created_at ?? now,
    updated_at: now,
    last_full_refresh: now,
    // A tool without a capability provides nothing but its dependencies still resolve: that is
    // how web apps (agent_type "api") register their routes, as the reference registry accepts.
    tools: (reg.tools ?? []).filter((t) => t.function_name).map((t) => normaliseTool(t, nextSeq())),
  };
  return { agent, warnings };
}

function normaliseTool(t: ToolRegistration, seq: number): ToolRecord {
  const provider = t.llm_provider;
  return {
    function_name: t.function_name as string,
    capability: t.capability ?? "",
    version: t.version || "1.0.0",
    tags: interned(t.tags ?? []),
    description: t.description ?? "",
    dependencies: (t.dependencies ?? []).map(
      (d): DepSpec => ({
        capability: d.capability ?? "",
        tags: interned(d.tags ?? []),
        version: d.version ?? "",
        namespace: d.namespace ?? "",
        required: d.required ?? false,
        expectedSchemaHash: d.expectedSchemaHash ?? "",
        expectedSchemaCanonical: isObject(d.expectedSchemaCanonical) ? d.expectedSchemaCanonical : null,
        matchMode: (d.matchMode ?? "") as DepSpec["matchMode"],
      }),
    ),
    input_schema: interned(t.inputSchema ?? null),
    output_schema: interned(t.outputSchema ?? null),
    input_schema_canonical: interned(t.inputSchemaCanonical ?? null),
    input_schema_hash: t.inputSchemaHash ?? "",
    output_schema_canonical: interned(t.outputSchemaCanonical ?? null),
    output_schema_hash: t.outputSchemaHash ?? "",
    schema_warnings: t.schemaWarnings ?? [],
    llm_filter: t.llm_filter ?? null,
    llm_provider: provider
      ? {
          capability: provider.capability ?? "",
          tags: provider.tags ?? [],
          version: provider.version ?? "",
          namespace: provider.namespace ?? "",
        }
      : null,
    kwargs: interned(t.kwargs ?? {}),
    seq,
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
