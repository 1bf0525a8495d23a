// The public types of a tool's injected LLM: what a user declares in `agent.tool({ llm })` and
// the `llm` the handler receives. Wire shapes (LLM-WIRE.md §1) are in ./wire.ts.
import type { TagTerm } from "../../types.js";

/** A tool the LLM may call: a capability name, or a filter on capability, tags and version. */
export type LlmFilterEntry =
  | string
  | { readonly capability?: string; readonly tags?: readonly string[]; readonly version?: string };

/** The `llm` option of a tool (LLM-WIRE.md §1.1, §2). */
export interface LlmDeclaration {
  /** The provider: a capability name, or `{ capability, tags, version }` chosen like a dependency. */
  readonly provider:
    | string
    | {
        readonly capability: string;
        readonly tags?: readonly TagTerm[];
        readonly version?: string;
        readonly namespace?: string;
      };
  /** Mesh tools the model may call: `"*"`, capability names, or `{ capability, tags, version }` filters. */
  readonly filter?: "*" | LlmFilterEntry | readonly LlmFilterEntry[];
  /** "all" (default): every match; "best_match": one per capability; "*": every tool but this agent's own. */
  readonly filterMode?: "all" | "best_match" | "*";
  /** Cap on LLM calls of one request; also sent to the provider's loop when set (default 10, not sent). */
  readonly maxIterations?: number;
  /** An inline Nunjucks template, or `file://path` relative to the agent's package root. */
  readonly systemPrompt?: string;
  /** The tool argument whose value is the template's context. */
  readonly contextParam?: string;
  /** Defaults for the model (`temperature`, `max_tokens`, ...), sent as `model_params`. */
  readonly modelParams?: Readonly<Record<string, unknown>>;
  /** Ask the provider to run one turn's tool calls concurrently. */
  readonly parallelToolCalls?: boolean;
  /** Deadline of one provider call, ms (default: the agent's call timeout). */
  readonly timeout?: number;
}

/** A chat message in the OpenAI format the mesh uses on the wire. */
export interface LlmMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null | readonly Record<string, unknown>[];
  tool_calls?: LlmToolCall[];
  tool_call_id?: string;
  name?: string;
}

export interface LlmToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface LlmCallOptions {
  /** Template context for this call; merged over the `contextParam` value (this wins). */
  context?: Record<string, unknown>;
  /** Model parameters for this call; merged over the declaration's. */
  modelParams?: Record<string, unknown>;
  /** Overrides the declaration's `maxIterations` (and is sent to the provider). */
  maxIterations?: number;
  /** Stops waiting: the call fails with `cancelled`. */
  signal?: AbortSignal;
}

/** Usage of one LLM request, summed over its iterations. */
export interface LlmMeta {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** The effective model the provider reported ("unknown" when it did not). */
  model: string;
  /** How many provider calls the request took. */
  iterations: number;
  /** The provider endpoint that answered last. */
  endpoint: string;
}

/** The injected LLM: call it for the (validated) answer, or stream its text. */
export interface MeshLlm<Out = string> {
  (prompt: string | readonly LlmMessage[], options?: LlmCallOptions): Promise<Out>;
  /** Text chunks as the provider's model produces them (its `<name>_stream` tool). */
  stream(prompt: string | readonly LlmMessage[], options?: LlmCallOptions): AsyncIterable<string>;
  /** Usage of the last finished request made through this object (undefined before one). */
  readonly meta: LlmMeta | undefined;
  /** The provider tool calls go to first, and the mesh tools the model may call. */
  readonly provider: { readonly endpoint: string; readonly functionName: string; readonly vendor: string };
  readonly tools: readonly string[];
}
