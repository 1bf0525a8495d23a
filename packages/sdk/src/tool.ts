// A tool as the runtime holds it: the user's declaration normalised once (schemas compiled,
// dependencies in declaration order, the registration entry built), plus result encoding.

import { isValidVersion, type ToolRegistration } from "@mcp-mesh/protocol";
import type { CallToolResult } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { AuthOptions } from "./auth/inbound.js";
import { type LlmSlotSpec, llmRegistration, normalizeLlm } from "./llm/consumer/declaration.js";
import type { LlmDeclaration } from "./llm/consumer/types.js";
import { isAsyncGeneratorFunction } from "./stream-produce.js";
import type {
  DependencyMap,
  InputDeclaration,
  SessionMove,
  StreamingToolDefinition,
  ToolContext,
  ToolDefinition,
} from "./types.js";

export interface DependencySlotSpec {
  /** Name the handler receives it under. */
  key: string;
  /** Position in the registration (the registry answers positionally). */
  index: number;
  capability: string;
  tags: (string | string[])[];
  version: string | undefined;
  required: boolean;
  timeoutMs: number | undefined;
  retries: number;
  headers: Record<string, string>;
  /** Move a timed-out call to an alternative provider (safe only for repeatable tools). */
  retryOnTimeout: boolean;
  /** How long one provider gets before a `retryOnTimeout` call moves on, ms. */
  attemptTimeoutMs: number | undefined;
  /** Send the call to a second provider too when the first has not answered after this, ms. */
  hedgeAfterMs: number | undefined;
  /** The provider's declared output: answers are validated against it. */
  output: z.ZodType | undefined;
  /** Affinity from the call's `session_id` argument. */
  session: boolean;
  onSessionMoved: ((move: SessionMove) => void) | undefined;
}

export interface RuntimeTool {
  name: string;
  capability: string;
  version: string;
  tags: string[];
  description: string;
  input: z.ZodType;
  output: z.ZodType | undefined;
  inputJsonSchema: Record<string, unknown>;
  outputJsonSchema: Record<string, unknown> | undefined;
  dependencies: DependencySlotSpec[];
  kwargs: Record<string, unknown> | undefined;
  /** What a caller must present (AuthOptions from the definition). */
  auth: AuthOptions | undefined;
  /** The injected LLM's declaration (the handler gets `llm`). */
  llm: LlmSlotSpec | undefined;
  /** Declared (or detected) as streaming: advertised with `stream_type: "text"`. */
  stream: boolean;
  handler: (args: any, deps: any, ctx: ToolContext) => unknown;
}

const CAPABILITY = /^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/;

export function normalizeTool(
  def:
    | ToolDefinition<InputDeclaration | undefined, z.ZodType | undefined, DependencyMap, LlmDeclaration | undefined>
    | StreamingToolDefinition<InputDeclaration | undefined, DependencyMap>,
  problems: string[],
): RuntimeTool {
  const where = `tool "${def.name}"`;
  if (!def.name || !/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(def.name))
    problems.push(`${where}: name must be letters, digits, "_", "-" or "."`);
  const capability = def.capability ?? def.name;
  if (!CAPABILITY.test(capability)) problems.push(`${where}: capability "${capability}" is not a valid name`);
  const version = def.version ?? "1.0.0";
  if (!isValidVersion(version)) problems.push(`${where}: version "${version}" is not semver`);
  if (typeof def.handler !== "function") problems.push(`${where}: handler must be a function`);
  const input = toInputSchema(def.input, where, problems);
  const stream = def.stream === true || isAsyncGeneratorFunction(def.handler);
  if (stream && def.output !== undefined)
    problems.push(`${where}: a streaming tool's result is text; drop \`output\` or \`stream\``);
  const dependencies = Object.entries(def.dependencies ?? {}).map(([key, d], index): DependencySlotSpec => {
    const spec = typeof d === "string" ? { capability: d } : d;
    if (!spec || typeof spec.capability !== "string" || !CAPABILITY.test(spec.capability))
      problems.push(`${where}: dependency "${key}" needs a valid capability`);
    if (spec?.timeout !== undefined && !(spec.timeout > 0))
      problems.push(`${where}: dependency "${key}" timeout must be > 0 ms`);
    if (spec?.retries !== undefined && !(Number.isInteger(spec.retries) && spec.retries >= 0))
      problems.push(`${where}: dependency "${key}" retries must be a whole number >= 0`);
    if (spec?.attemptTimeout !== undefined && !(spec.attemptTimeout > 0))
      problems.push(`${where}: dependency "${key}" attemptTimeout must be > 0 ms`);
    if (spec?.hedgeAfter !== undefined && !(spec.hedgeAfter >= 0))
      problems.push(`${where}: dependency "${key}" hedgeAfter must be >= 0 ms`);
    if (spec?.output !== undefined && typeof (spec.output as { safeParse?: unknown }).safeParse !== "function")
      problems.push(`${where}: dependency "${key}" output must be a zod schema`);
    if (spec?.session !== undefined && typeof spec.session !== "boolean")
      problems.push(`${where}: dependency "${key}" session must be true or false`);
    if (spec?.onSessionMoved !== undefined && typeof spec.onSessionMoved !== "function")
      problems.push(`${where}: dependency "${key}" onSessionMoved must be a function`);
    return {
      key,
      index,
      capability: spec?.capability ?? "",
      tags: (spec?.tags ?? []).map((t) => (typeof t === "string" ? t : [...t])),
      version: spec?.version,
      required: spec?.required === true,
      timeoutMs: spec?.timeout,
      retries: spec?.retries ?? 0,
      headers: { ...(spec?.headers ?? {}) },
      retryOnTimeout: spec?.retryOnTimeout === true,
      attemptTimeoutMs: spec?.attemptTimeout,
      hedgeAfterMs: spec?.hedgeAfter,
      output: spec?.output,
      session: spec?.session === true,
      onSessionMoved: spec?.onSessionMoved,
    };
  });
  if (def.llm !== undefined && dependencies.some((d) => d.key === "llm"))
    problems.push(`${where}: a dependency named "llm" collides with the injected llm`);
  return {
    name: def.name,
    capability,
    version,
    tags: [...(def.tags ?? [])],
    description: def.description ?? "",
    input,
    output: def.output,
    inputJsonSchema: jsonSchemaOf(input, "input"),
    outputJsonSchema: def.output ? jsonSchemaOf(def.output, "output") : undefined,
    dependencies,
    // What the reference runtimes advertise for a Stream[str] tool (LLM-WIRE.md §3.1).
    kwargs: stream ? { ...def.kwargs, stream_type: "text" } : def.kwargs,
    stream,
    auth: def.auth,
    llm: llmOf(def, where, problems),
    handler: def.handler as RuntimeTool["handler"],
  };
}

function llmOf(
  def: { llm?: LlmDeclaration | undefined; output?: z.ZodType | undefined },
  where: string,
  problems: string[],
): LlmSlotSpec | undefined {
  if (def.llm === undefined) return undefined;
  if (def.llm === null || typeof def.llm !== "object") {
    problems.push(`${where}: llm must be an object ({ provider, filter, ... })`);
    return undefined;
  }
  return normalizeLlm(def.llm, def.output, where, problems);
}

function toInputSchema(decl: InputDeclaration | undefined, where: string, problems: string[]): z.ZodType {
  if (decl === undefined) return z.object({});
  if (decl instanceof z.ZodType) return decl;
  if (typeof decl === "object" && Object.values(decl).every((v) => v instanceof z.ZodType))
    return z.object(decl as Record<string, z.ZodType>);
  problems.push(`${where}: input must be a zod object schema or a shape of zod schemas`);
  return z.object({});
}

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    return rest;
  } catch {
    return { type: "object" };
  }
}

/** The registration entry, serialised like the reference runtimes (empty fields omitted). */
export function toRegistration(tool: RuntimeTool): ToolRegistration {
  const reg: ToolRegistration = {
    function_name: tool.name,
    capability: tool.capability,
    version: tool.version,
    inputSchema: tool.inputJsonSchema,
  };
  if (tool.tags.length > 0) reg.tags = tool.tags;
  if (tool.description) reg.description = tool.description;
  if (tool.outputJsonSchema) reg.outputSchema = tool.outputJsonSchema;
  if (tool.kwargs) reg.kwargs = tool.kwargs;
  if (tool.dependencies.length > 0)
    reg.dependencies = tool.dependencies.map((d) => ({
      capability: d.capability,
      ...(d.tags.length > 0 && { tags: d.tags }),
      ...(d.version !== undefined && { version: d.version }),
      ...(d.required && { required: true }),
    }));
  if (tool.llm) Object.assign(reg, llmRegistration(tool.llm));
  return reg;
}

/**
 * What the reference TS runtime puts on the wire: strings as-is, null/undefined as "", anything
 * else as JSON text. With an output schema the value also goes out as structuredContent.
 */
export function toCallToolResult(value: unknown, structured: boolean): CallToolResult {
  if (isCallToolResult(value)) return value;
  const text = typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);
  const result: CallToolResult = { content: [{ type: "text", text }] };
  if (structured && value !== null && typeof value === "object")
    result.structuredContent = value as Record<string, unknown>;
  return result;
}

// A handler may answer a full MCP result (images, several items); recognised by its marker key.
const RAW = Symbol.for("mcp-mesh.raw-result");

/** Wraps a complete MCP CallToolResult so the handler can answer images or several items. */
export function rawResult(result: CallToolResult): CallToolResult {
  return Object.assign(result, { [RAW]: true });
}

function isCallToolResult(v: unknown): v is CallToolResult {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[RAW] === true;
}
