// The `llm` a handler receives: one object per call of the tool. A request renders the system
// prompt, builds the MeshLlmRequest from the slot's current target (one read per provider call,
// so a re-wiring mid-request is seen by the next call), calls the provider through the
// dependency proxy machinery, and runs the consumer-side loop when the provider hands back
// `tool_calls` (the legacy path, LLM-WIRE.md §2.1/§2.3).

import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import { callContext } from "../../call-context.js";
import { iterationStream, type LlmIteration, startLlmIteration } from "../../tracing/llm-iteration.js";
import { spanOf } from "../../tracing/observer.js";
import type { LlmSlot } from "../../wiring.js";
import { DEFAULT_MAX_ITERATIONS } from "./declaration.js";
import { parseAnswer, parseEnvelope } from "./envelope.js";
import { buildMessages, buildRequest, modelParams } from "./request.js";
import { streamProvider } from "./stream.js";
import { promptContext } from "./template.js";
import { runToolCalls } from "./tool-calls.js";
import type { LlmCallOptions, LlmMessage, LlmMeta, MeshLlm } from "./types.js";

export interface LlmEnv {
  dispatcher: Dispatcher;
  defaultTimeoutMs: number;
  propagateHeaders: string[];
  /** Counts each provider call (an iteration) with the usage it reported (metrics). */
  onIteration?: (provider: string, model: string, inputTokens: number, outputTokens: number) => void;
}

const STOP_MAX_ITERATIONS = "max_iterations";

export function createMeshLlm<Out>(slot: LlmSlot, args: Record<string, unknown>, env: LlmEnv): MeshLlm<Out> {
  let meta: LlmMeta | undefined;
  const prepare = (prompt: string | readonly LlmMessage[], options: LlmCallOptions | undefined) => {
    const spec = slot.spec;
    if (typeof prompt !== "string" && !(Array.isArray(prompt) && prompt.every((m) => m && typeof m === "object")))
      throw new MeshError(ErrorCodes.CONFIG_INVALID, "llm(): the prompt must be a string or an array of messages");
    if (options?.maxIterations !== undefined && !(Number.isInteger(options.maxIterations) && options.maxIterations > 0))
      throw new MeshError(ErrorCodes.CONFIG_INVALID, "llm(): maxIterations must be a whole number > 0");
    const chosen = options?.maxIterations ?? spec.maxIterations;
    let system: string;
    try {
      system = spec.prompt.render(promptContext(args, spec.contextParam, options?.context));
    } catch (err) {
      throw new MeshError(
        ErrorCodes.CONFIG_INVALID,
        `llm(): the system prompt (${spec.prompt.source}) failed to render: ${(err as Error).message}`,
      );
    }
    const target = slot.target;
    return {
      maxIterations: chosen ?? DEFAULT_MAX_ITERATIONS,
      params: modelParams(spec, options?.modelParams, chosen),
      messages: buildMessages(system, prompt, target.tools.length > 0, spec.parallelToolCalls),
    };
  };

  const call = async (prompt: string | readonly LlmMessage[], options?: LlmCallOptions): Promise<Out> => {
    const { maxIterations, params, messages } = prepare(prompt, options);
    const totals = { inputTokens: 0, outputTokens: 0, model: "unknown", endpoint: "" };
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      const target = slot.target;
      const request = buildRequest(messages, target.tools, params);
      // Each provider call and the tool calls it hands back are one iteration span.
      const span = startLlmIteration(
        iteration,
        target.vendor !== "unknown" ? target.vendor : "mesh",
        requestedModel(params),
        target.providers[0]?.endpoint ?? "",
      );
      let answer: Awaited<ReturnType<typeof iterate>>;
      try {
        answer = await iterate(iteration, request, target, span);
      } catch (err) {
        span.end(err);
        throw err;
      }
      span.end();
      if (answer.done) return answer.value;
    }
    throw maxIterationsError(maxIterations, "the consumer's tool loop");

    async function iterate(
      iteration: number,
      request: unknown,
      target: typeof slot.target,
      span: LlmIteration,
    ): Promise<{ done: true; value: Out } | { done: false }> {
      const value = await span.run(() => callProvider(slot, request, options?.signal));
      totals.endpoint = slot.target.providers[0]?.endpoint ?? "";
      const envelope = parseEnvelope(value);
      span.usage({
        model: envelope.usage.model || requestedModel(params) || "",
        inputTokens: envelope.usage.inputTokens,
        outputTokens: envelope.usage.outputTokens,
        toolCalls: envelope.toolCalls?.length ?? 0,
      });
      totals.inputTokens += envelope.usage.inputTokens;
      totals.outputTokens += envelope.usage.outputTokens;
      if (envelope.usage.model) totals.model = envelope.usage.model;
      env.onIteration?.(
        providerOf(slot.target.vendor, envelope.usage.model),
        envelope.usage.model || "unknown",
        envelope.usage.inputTokens,
        envelope.usage.outputTokens,
      );
      noteUsage(totals);
      const done = (): LlmMeta => ({
        ...totals,
        totalTokens: totals.inputTokens + totals.outputTokens,
        iterations: iteration,
      });
      if (envelope.stopReason === STOP_MAX_ITERATIONS) {
        meta = done();
        throw maxIterationsError(maxIterations, "the provider's tool loop");
      }
      if (envelope.toolCalls) {
        const calls = envelope.toolCalls;
        messages.push({ role: "assistant", content: envelope.content, tool_calls: calls });
        messages.push(...(await span.run(() => runToolCalls(calls, target.tools, env, options?.signal))));
        meta = done();
        return { done: false };
      }
      meta = done();
      return { done: true, value: parseAnswer(envelope.content, slot.spec.output, value) as Out };
    }
  };

  const llm = call as MeshLlm<Out>;
  Object.defineProperties(llm, {
    stream: {
      value: (prompt: string | readonly LlmMessage[], options?: LlmCallOptions) => {
        const { params, messages } = prepare(prompt, options);
        const target = slot.target;
        const request = buildRequest(messages, target.tools, params);
        let last: LlmMeta | undefined;
        const inner = streamProvider(slot, request, env, options?.signal, (m) => {
          meta = m;
          last = m;
        });
        return iterationStream(
          inner,
          () =>
            startLlmIteration(
              1,
              target.vendor !== "unknown" ? target.vendor : "mesh",
              requestedModel(params),
              target.providers[0]?.endpoint ?? "",
            ),
          () =>
            last && {
              model: last.model === "unknown" ? "" : last.model,
              inputTokens: last.inputTokens,
              outputTokens: last.outputTokens,
              toolCalls: 0,
            },
        );
      },
    },
    meta: { get: () => meta, enumerable: true },
    provider: {
      get: () => ({
        endpoint: slot.target.providers[0]?.endpoint ?? "",
        functionName: slot.target.providers[0]?.functionName ?? "",
        vendor: slot.target.vendor,
      }),
      enumerable: true,
    },
    tools: { get: () => slot.target.tools.map((t) => t.name), enumerable: true },
  });
  return llm;
}

/** The model the request asks for, when the consumer names one (else the provider's default). */
function requestedModel(params: Record<string, unknown> | null): string | undefined {
  return typeof params?.model === "string" && params.model ? params.model : undefined;
}

/** The consumer tool's span carries the call's LLM totals (LLM-WIRE.md §4.3 llm_* fields). */
function noteUsage(t: { inputTokens: number; outputTokens: number; model: string; endpoint: string }): void {
  spanOf(callContext.getStore())?.annotate({
    llm_input_tokens: String(t.inputTokens),
    llm_output_tokens: String(t.outputTokens),
    llm_total_tokens: String(t.inputTokens + t.outputTokens),
    llm_model: t.model,
    llm_provider: `mesh:${t.endpoint}`,
  });
}

function maxIterationsError(max: number, where: string): MeshError {
  return new MeshError(
    ErrorCodes.LLM_MAX_ITERATIONS,
    `${where} reached its limit of ${max} iterations without an answer`,
    {
      maxIterations: max,
    },
  );
}

/** One provider call through the proxy (deadline, fail-over); failures as the LLM error codes. */
async function callProvider(slot: LlmSlot, request: unknown, signal: AbortSignal | undefined): Promise<unknown> {
  if (slot.target.providers.length === 0)
    throw new MeshError(
      ErrorCodes.LLM_PROVIDER_UNAVAILABLE,
      `no LLM provider resolves for tool "${slot.tool}" (capability ${slot.spec.provider.capability})`,
    );
  try {
    const pending = slot.providerSlot.proxy({ request });
    return signal ? await abortable(pending, signal) : await pending;
  } catch (err) {
    throw providerError(slot, err);
  }
}

export function providerError(slot: LlmSlot, err: unknown): MeshError {
  if (!(err instanceof MeshError))
    return new MeshError(ErrorCodes.LLM_PROVIDER_ERROR, String((err as Error)?.message ?? err));
  if (err.code === ErrorCodes.CANCELLED || err.code.startsWith("llm_")) return err;
  const unavailable = err.code === ErrorCodes.UNREACHABLE || err.code === ErrorCodes.DEPENDENCY_UNAVAILABLE;
  return new MeshError(
    unavailable ? ErrorCodes.LLM_PROVIDER_UNAVAILABLE : ErrorCodes.LLM_PROVIDER_ERROR,
    `LLM provider for tool "${slot.tool}" failed: ${err.message}`,
    { cause: err.code },
  );
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export function cancelled(): MeshError {
  return new MeshError(ErrorCodes.CANCELLED, "the LLM request was cancelled by the caller");
}

/** The metrics' provider label: the registry's vendor, else the "vendor/" of the model name. */
function providerOf(vendor: string, model: string | undefined): string {
  if (vendor !== "unknown") return vendor;
  const slash = model?.indexOf("/") ?? -1;
  return slash > 0 ? (model as string).slice(0, slash) : "unknown";
}
