// A tool's `llm` option normalised once at declaration (template compiled, filters in the wire's
// object form) and what it adds to the tool's registration: `llm_provider` and `llm_filter`
// (PROTOCOL.md §1.2, LLM-WIRE.md §1.1).
import { z } from "zod";
import { compilePrompt, type PromptTemplate, packageRoot } from "./template.js";
import type { LlmDeclaration, LlmFilterEntry } from "./types.js";

/** The tag of providers' streaming twins (LLM-WIRE.md §2.7). */
export const STREAM_TAG = "ai.mcpmesh.stream";
export const DEFAULT_MAX_ITERATIONS = 10;

export interface LlmSlotSpec {
  provider: { capability: string; tags: (string | string[])[]; version?: string; namespace?: string };
  /** Filter entries as objects (meshctl cannot decode plain strings, PROTOCOL.md §1.5). */
  filter: Record<string, unknown>[];
  filterMode: "all" | "best_match" | "*";
  /** Set only when the user chose one: then it is also sent to the provider. */
  maxIterations: number | undefined;
  prompt: PromptTemplate;
  contextParam: string | undefined;
  modelParams: Record<string, unknown>;
  parallelToolCalls: boolean;
  timeoutMs: number | undefined;
  output: z.ZodType | undefined;
  outputJsonSchema: Record<string, unknown> | undefined;
  outputTypeName: string | undefined;
}

const MODES = ["all", "best_match", "*"] as const;

export function normalizeLlm(
  decl: LlmDeclaration,
  output: z.ZodType | undefined,
  where: string,
  problems: string[],
  root: string = packageRoot(),
): LlmSlotSpec {
  const w = `${where}: llm`;
  const p = typeof decl.provider === "string" ? { capability: decl.provider } : decl.provider;
  if (!p || typeof p.capability !== "string" || !p.capability)
    problems.push(`${w}.provider needs a capability (e.g. { capability: "llm", tags: ["+claude"] })`);
  const tags = (p?.tags ?? []).map((t) => (typeof t === "string" ? t : [...t]));
  // Buffered calls must not resolve a provider's streaming twin (same capability, extra tag).
  const mentionsStream = tags.some((t) => typeof t === "string" && t.replace(/^[+-]/, "") === STREAM_TAG);
  if (!mentionsStream) tags.push(`-${STREAM_TAG}`);
  const filterMode = decl.filterMode ?? "all";
  if (!MODES.includes(filterMode)) problems.push(`${w}.filterMode must be "all", "best_match" or "*"`);
  if (decl.maxIterations !== undefined && !(Number.isInteger(decl.maxIterations) && decl.maxIterations > 0))
    problems.push(`${w}.maxIterations must be a whole number > 0`);
  if (decl.timeout !== undefined && !(decl.timeout > 0)) problems.push(`${w}.timeout must be > 0 ms`);
  const outputJsonSchema = output ? jsonSchema(output) : undefined;
  return {
    provider: {
      capability: p?.capability ?? "",
      tags,
      ...(p?.version !== undefined && { version: p.version }),
      ...(p?.namespace !== undefined && { namespace: p.namespace }),
    },
    filter: filterEntries(decl.filter, filterMode, w, problems),
    filterMode,
    maxIterations: decl.maxIterations,
    prompt: compilePrompt(decl.systemPrompt, root, `${w}.systemPrompt`, problems),
    contextParam: decl.contextParam,
    modelParams: { ...(decl.modelParams ?? {}) },
    parallelToolCalls: decl.parallelToolCalls === true,
    timeoutMs: decl.timeout,
    output,
    outputJsonSchema,
    outputTypeName: outputJsonSchema
      ? typeof outputJsonSchema.title === "string"
        ? outputJsonSchema.title
        : "Response"
      : undefined,
  };
}

function filterEntries(
  filter: LlmDeclaration["filter"],
  mode: string,
  where: string,
  problems: string[],
): Record<string, unknown>[] {
  const list: readonly LlmFilterEntry[] =
    filter === undefined ? [] : Array.isArray(filter) ? filter : [filter as LlmFilterEntry];
  const out: Record<string, unknown>[] = [];
  for (const e of list) {
    if (e === "*") out.push({});
    else if (typeof e === "string" && e) out.push({ capability: e });
    else if (e && typeof e === "object" && !Array.isArray(e)) {
      const entry: Record<string, unknown> = {};
      if (e.capability) entry.capability = e.capability;
      if (e.tags?.length) entry.tags = [...e.tags];
      if (e.version) entry.version = e.version;
      out.push(entry);
    } else problems.push(`${where}.filter entries must be "*", a capability name or { capability, tags, version }`);
  }
  // The registry needs a non-empty list even when the mode alone chooses ("*": every other tool).
  if (out.length === 0 && mode === "*") out.push({});
  return out;
}

/** `llm_provider` and `llm_filter` of the tool's registration entry. */
export function llmRegistration(spec: LlmSlotSpec): {
  llm_provider: LlmSlotSpec["provider"];
  llm_filter?: { filter: Record<string, unknown>[]; filter_mode: string };
} {
  return {
    llm_provider: spec.provider,
    ...(spec.filter.length > 0 && { llm_filter: { filter: spec.filter, filter_mode: spec.filterMode } }),
  };
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    return rest;
  } catch {
    return { type: "object" };
  }
}
