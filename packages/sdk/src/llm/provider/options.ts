// What `agent.llmProvider({...})` takes.

export interface LlmProviderOptions {
  /** `vendor/model`: anthropic/, openai/, gemini/ (or google/), vertex_ai/, ollama/, lm_studio/, vllm/, openai-compatible/. */
  model: string;
  /** Capability consumers ask for (default "llm"). */
  capability?: string;
  tags?: readonly string[];
  version?: string;
  /** Tool name (default "process_chat"); its streaming twin is `<name>_stream`. */
  name?: string;
  description?: string;
  /** The vendor API's base URL: a proxy, a gateway, a local server, a test server. */
  baseURL?: string;
  /** The vendor key; default the vendor's usual environment variable (docs/llm.md). */
  apiKey?: string;
  /**
   * Defaults for the model's settings, wire spelling (`max_tokens`, `temperature`, `top_p`,
   * `top_k`, `stop`, `seed`, `presence_penalty`, `frequency_penalty`; camelCase also accepted).
   * A consumer's `model_params` beat them.
   */
  modelParams?: Record<string, unknown>;
  /** Retries of a failed vendor call (the AI SDK's, with backoff; default 2). */
  maxRetries?: number;
  /** Register the `<name>_stream` twin (default true). */
  stream?: boolean;
}
