// One model call of an agentic loop as its own span (OpenTelemetry GenAI semantic conventions,
// v1.37): a CLIENT span `chat <model>` under the tool's span, with gen_ai.* attributes and the
// iteration's token usage; the tool calls the model asked for run inside it, so their
// proxy_call_wrapper spans hang under the iteration. Used by the consumer loop (each call to the
// LLM provider) and the provider loop (each call to the vendor). Without a traced call (tracing
// off, an in-process call with no span) it costs one lookup and runs the work as it is.
import { callContext } from "../call-context.js";
import { currentSpan, runInSpan } from "./observer.js";

export interface IterationUsage {
  /** The model that answered (the response's, else the requested one). */
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** How many tool calls the model asked for in this iteration. */
  toolCalls: number;
}

export interface LlmIteration {
  /** Runs part of the iteration (the model call, then its tool calls) inside the span. */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Records what the model call reported; call once it has answered. */
  usage(u: IterationUsage): void;
  end(error?: unknown): void;
}

const untraced: LlmIteration = { run: (fn) => fn(), usage() {}, end() {} };

/**
 * Opens the span of iteration `n`. `provider` is the GenAI provider name (the vendor, or
 * `mesh` for a consumer calling a mesh LLM provider); `endpoint` where the call goes.
 */
export function startLlmIteration(
  n: number,
  provider: string,
  requestModel: string | undefined,
  endpoint: string,
): LlmIteration {
  const ctx = callContext.getStore();
  const parent = currentSpan(ctx);
  if (!ctx || !parent || parent.traceId !== ctx.traceId) return untraced;
  const base = requestModel ? `chat ${requestModel}` : "chat";
  const span = parent.child(
    base,
    base,
    {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": provider,
      ...(requestModel && { "gen_ai.request.model": requestModel }),
      "mesh.llm.iteration": String(n),
    },
    endpoint ? [endpoint] : [],
  );
  let used: IterationUsage | undefined;
  return {
    run: (fn) => runInSpan(ctx, span, fn),
    usage(u) {
      used = u;
    },
    end(error) {
      const model = used?.model || requestModel;
      span.end({
        resultType: used && used.toolCalls > 0 ? "tool_calls" : "str",
        ...(error !== undefined && { error: String((error as Error)?.message ?? error) }),
        ...(model && { name: { record: `chat ${model}`, otel: `chat ${model}` } }),
        extra: {
          llm_iteration: String(n),
          "gen_ai.operation.name": "chat",
          "gen_ai.provider.name": provider,
          ...(requestModel && { "gen_ai.request.model": requestModel }),
          ...(used?.model && { "gen_ai.response.model": used.model }),
          ...(used && {
            "gen_ai.usage.input_tokens": String(used.inputTokens),
            "gen_ai.usage.output_tokens": String(used.outputTokens),
          }),
        },
      });
    },
  };
}

/**
 * A streamed model call as one iteration span: the span is open from the first chunk asked for
 * to the last (or the consumer's stop), each step of the stream runs inside it, and its usage is
 * read once the stream is done.
 */
export async function* iterationStream<T>(
  inner: AsyncGenerator<T>,
  open: () => LlmIteration,
  usage: () => IterationUsage | undefined,
): AsyncGenerator<T> {
  const span = open();
  let failed = false;
  try {
    for (;;) {
      const r = await span.run(() => inner.next());
      if (r.done) return;
      yield r.value;
    }
  } catch (err) {
    failed = true;
    span.end(err);
    throw err;
  } finally {
    if (!failed) {
      const u = usage();
      if (u) span.usage(u);
      span.end();
    }
    await inner.return(undefined);
  }
}
