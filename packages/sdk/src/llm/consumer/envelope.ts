// Reading a provider's answer (LLM-WIRE.md §1.3): the JSON envelope in one text item, tolerant
// of what providers in the field send (a dict `content`, a bare structured map, a bare string),
// and the structured answer inside it, parsed and validated against the tool's `output`.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { z } from "zod";
import type { LlmToolCall } from "./types.js";

export interface Envelope {
  content: string;
  toolCalls: LlmToolCall[] | undefined;
  usage: { inputTokens: number; outputTokens: number; model: string | undefined };
  stopReason: string | undefined;
}

const RESERVED = ["tool_calls", "_mesh_usage", "_mesh_stop_reason"];

/** `value` is the decoded tool result: an object, a string, or anything else a provider sent. */
export function parseEnvelope(value: unknown): Envelope {
  let map: Record<string, unknown>;
  if (typeof value === "string") {
    map = { role: "assistant", content: value };
  } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    map = value as Record<string, unknown>;
  } else {
    map = { role: "assistant", content: value === undefined || value === null ? "" : JSON.stringify(value) };
  }
  let content: string;
  const c = map.content;
  if (typeof c === "string") content = c;
  else if (c !== null && typeof c === "object")
    content = JSON.stringify(c); // the answer leaked unserialised
  else if (c === undefined && !("role" in map) && !RESERVED.some((k) => k in map) && !map.error)
    content = JSON.stringify(map); // a bare structured answer without the envelope
  else content = "";
  const usage = (map._mesh_usage ?? {}) as Record<string, unknown>;
  return {
    content,
    toolCalls: toolCallsOf(map.tool_calls),
    usage: {
      inputTokens: count(usage.prompt_tokens),
      outputTokens: count(usage.completion_tokens),
      model: typeof usage.model === "string" ? usage.model : undefined,
    },
    stopReason: typeof map._mesh_stop_reason === "string" ? map._mesh_stop_reason : undefined,
  };
}

function toolCallsOf(v: unknown): LlmToolCall[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const calls: LlmToolCall[] = [];
  for (const tc of v) {
    if (!tc || typeof tc !== "object") continue;
    const { id, function: fn } = tc as { id?: unknown; function?: { name?: unknown; arguments?: unknown } };
    if (typeof id !== "string" || !fn || typeof fn.name !== "string") continue; // malformed: ignored
    const args = typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {});
    calls.push({ id, type: "function", function: { name: fn.name, arguments: args } });
  }
  return calls.length > 0 ? calls : undefined;
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

/** The answer as the tool's `output` type: JSON found in the text, validated; the text without one. */
export function parseAnswer(content: string, output: z.ZodType | undefined, raw: unknown): unknown {
  if (!output) return content;
  const snippet = () => {
    const text = typeof raw === "string" ? raw : JSON.stringify(raw);
    return (text ?? "").slice(0, 500);
  };
  if (!content.trim())
    throw new MeshError(ErrorCodes.LLM_RESPONSE_PARSE, `the provider answered no content; raw answer: ${snippet()}`);
  const json = extractJson(content);
  if (json === undefined)
    throw new MeshError(
      ErrorCodes.LLM_RESPONSE_PARSE,
      `the provider's answer is not JSON for the output schema: ${content.slice(0, 500)}`,
    );
  let result = output.safeParse(json);
  if (!result.success) {
    const coerced = coerceArrays(json, output);
    if (coerced !== json) result = output.safeParse(coerced);
  }
  if (!result.success)
    throw new MeshError(
      ErrorCodes.LLM_RESPONSE_PARSE,
      `the provider's answer does not match the output schema: ${result.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
        .join("; ")}; answer: ${content.slice(0, 500)}`,
    );
  return result.data;
}

/** JSON text, fenced JSON, or the first balanced {...}/[...] inside prose. */
export function extractJson(text: string): unknown {
  const t = text.trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(t);
  for (const candidate of [t, fenced?.[1]?.trim()]) {
    if (!candidate) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  const start = t.search(/[{[]/);
  if (start < 0) return undefined;
  const end = balancedEnd(t, start);
  if (end < 0) return undefined;
  try {
    return JSON.parse(t.slice(start, end + 1));
  } catch {
    return undefined;
  }
}

/** Index of the bracket closing the one at `start` (strings respected), or -1. */
export function balancedEnd(t: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < t.length; i++) {
    const ch = t[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Models often answer one item where the schema wants a list: wrap such top-level fields. */
function coerceArrays(json: unknown, output: z.ZodType): unknown {
  const shape = (output as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape || !json || typeof json !== "object" || Array.isArray(json)) return json;
  const out: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  let changed = false;
  for (const [k, s] of Object.entries(shape)) {
    const def = (s as { def?: { type?: string } }).def;
    if (def?.type === "array" && k in out && !Array.isArray(out[k])) {
      out[k] = [out[k]];
      changed = true;
    }
  }
  return changed ? out : json;
}
