// MeshLlmRequest as the provider tool receives it (LLM-WIRE.md §1.2): the zod schema that becomes
// the tool's real inputSchema (the registry resolves only providers that have one), and the
// model_params split into what the provider consumes itself and the vendor's call settings.
import { z } from "zod";

const Message = z.looseObject({ role: z.string() });
const Tool = z.looseObject({
  type: z.string().optional(),
  function: z.looseObject({ name: z.string() }),
});

export const MeshLlmRequestSchema = z.looseObject({
  messages: z.array(Message).describe("OpenAI chat messages: system, user, assistant, tool"),
  tools: z.array(Tool).nullish().describe("OpenAI function tools; function._mesh_endpoint makes the provider run them"),
  model_params: z.record(z.string(), z.unknown()).nullish(),
  context: z.unknown().optional(),
  request_id: z.string().nullish(),
  caller_agent: z.string().nullish(),
});

export type MeshLlmRequest = z.infer<typeof MeshLlmRequestSchema>;

/** The provider tool's input: one required property `request`, as the reference providers declare. */
export const providerInput = { request: MeshLlmRequestSchema };

/** What `model_params` asks of the provider, apart from the vendor's sampling settings. */
export interface ProviderParams {
  model: string | undefined;
  outputSchema: Record<string, unknown> | undefined;
  outputTypeName: string | undefined;
  outputMode: "strict" | "hint" | "text" | undefined;
  parallelToolCalls: boolean;
  maxIterations: number;
  settings: CallSettings;
}

/** The AI SDK call settings the wire's model_params map to. */
export interface CallSettings {
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
}

// Wire key → AI SDK setting. Other keys (response_format, _mesh_* markers, vendor knobs) are
// tolerated and not sent: a Python consumer sends some of them for its own vendor handlers.
const SETTINGS: Record<string, keyof CallSettings> = {
  max_tokens: "maxOutputTokens",
  maxTokens: "maxOutputTokens",
  maxOutputTokens: "maxOutputTokens",
  temperature: "temperature",
  top_p: "topP",
  topP: "topP",
  top_k: "topK",
  topK: "topK",
  stop: "stopSequences",
  stopSequences: "stopSequences",
  seed: "seed",
  presence_penalty: "presencePenalty",
  presencePenalty: "presencePenalty",
  frequency_penalty: "frequencyPenalty",
  frequencyPenalty: "frequencyPenalty",
};

/** Sampling settings from a params object (the wire's, or the provider's `modelParams` defaults). */
export function toCallSettings(params: Record<string, unknown> | null | undefined): CallSettings {
  const out: CallSettings = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    const setting = SETTINGS[key];
    if (!setting || value === null || value === undefined) continue;
    if (setting === "stopSequences") {
      const stops = (Array.isArray(value) ? value : [value]).filter((s): s is string => typeof s === "string");
      if (stops.length > 0) out.stopSequences = stops;
    } else if (typeof value === "number" && Number.isFinite(value)) out[setting] = value;
  }
  return out;
}

/**
 * The provider's reading of model_params; `defaults` are the provider's own `modelParams` (the
 * consumer's value wins, as in the reference providers). `env` gives MESH_LLM_MAX_ITERATIONS.
 */
export function readParams(
  params: Record<string, unknown> | null | undefined,
  defaults: Record<string, unknown>,
  env: Record<string, string | undefined>,
): ProviderParams {
  const p = params ?? {};
  const mode = p.output_mode;
  const schema = p.output_schema;
  return {
    model: typeof p.model === "string" && p.model.trim() !== "" && p.model !== "default" ? p.model.trim() : undefined,
    outputSchema:
      typeof schema === "object" && schema !== null && !Array.isArray(schema)
        ? (schema as Record<string, unknown>)
        : undefined,
    outputTypeName: typeof p.output_type_name === "string" ? p.output_type_name : undefined,
    outputMode: mode === "strict" || mode === "hint" || mode === "text" ? mode : undefined,
    parallelToolCalls: p.parallel_tool_calls === true,
    maxIterations: resolveMaxIterations(p, env),
    settings: { ...toCallSettings(defaults), ...toCallSettings(p) },
  };
}

/**
 * LLM-WIRE §2.4: a present value is floor(n) when that is finite and > 0, else 10 (an invalid present
 * value does not fall back to the environment); absent → MESH_LLM_MAX_ITERATIONS, same rule → 10.
 */
export function resolveMaxIterations(p: Record<string, unknown>, env: Record<string, string | undefined>): number {
  const sanitize = (v: unknown) => {
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
    // Floored before the > 0 check, so 0.5 is invalid rather than a cap of zero.
    const floored = Number.isFinite(n) ? Math.floor(n) : 0;
    return floored > 0 ? floored : 10;
  };
  if (p.max_iterations !== undefined && p.max_iterations !== null) return sanitize(p.max_iterations);
  const fromEnv = env.MESH_LLM_MAX_ITERATIONS;
  return fromEnv !== undefined && fromEnv.trim() !== "" ? sanitize(fromEnv) : 10;
}
