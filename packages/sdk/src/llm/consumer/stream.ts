// `llm.stream()`: the provider's streaming twin (`<name>_stream`, LLM-WIRE.md §3.2/§3.3) called
// with a progress token; each progress notification's `message` is a frame — `chunk` text is
// yielded at once, `end` stops (with `stop_reason` → max-iterations error), anything that is not
// a frame is passed through as text. A provider without the twin ("unknown tool") is asked its
// buffered tool instead, and its answer is yielded as one chunk.
import { randomUUID } from "node:crypto";
import { ErrorCodes, MeshError, matchesHeaderRule } from "@mcp-mesh/protocol";
import { callContext } from "../../call-context.js";
import { callToolHttp } from "../../client/tools-call.js";
import { decodeResponse } from "../../decode-result.js";
import { newSpanId } from "../../tracing/ids.js";
import { currentSpan } from "../../tracing/observer.js";
import { outboundTrace } from "../../tracing/propagate.js";
import type { LlmSlot, Provider } from "../../wiring.js";
import { parseEnvelope } from "./envelope.js";
import { type Frame, frameOf, framesOf } from "./frames.js";
import { cancelled, type LlmEnv, providerError } from "./mesh-llm.js";
import type { MeshLlmRequest } from "./request.js";
import type { LlmMeta } from "./types.js";

const SUFFIX = "_stream";

export async function* streamProvider(
  slot: LlmSlot,
  request: MeshLlmRequest,
  env: LlmEnv,
  signal: AbortSignal | undefined,
  setMeta: (m: LlmMeta) => void,
): AsyncGenerator<string> {
  const target = slot.target;
  if (target.providers.length === 0)
    throw new MeshError(
      ErrorCodes.LLM_PROVIDER_UNAVAILABLE,
      `no LLM provider resolves for tool "${slot.tool}" (capability ${slot.spec.provider.capability})`,
    );
  if (signal?.aborted) throw cancelled();
  const queue: Frame[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: unknown;
  let notified = 0;
  let finalText = "";
  let endpoint = "";
  const push = (f: Frame) => {
    queue.push(f);
    wake?.();
  };
  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const run = (async () => {
    let lastError: unknown;
    for (const p of target.providers) {
      endpoint = p.endpoint;
      try {
        finalText = await callStreamTool(p, request, slot, env, abort.signal, (message) => {
          notified++;
          push(frameOf(message));
        });
        return;
      } catch (err) {
        lastError = err;
        if ((err as MeshError).code === ErrorCodes.UNREACHABLE) continue;
        throw err;
      }
    }
    throw lastError;
  })().then(
    () => {
      finished = true;
      wake?.();
    },
    (err) => {
      failure = err;
      finished = true;
      wake?.();
    },
  );
  const meta = (): LlmMeta => ({
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    model: "unknown",
    iterations: 1,
    endpoint,
  });
  try {
    for (;;) {
      const frame = queue.shift();
      if (frame) {
        if (frame.kind === "end") {
          setMeta(meta());
          if (frame.stopReason === "max_iterations") throw maxIterations(slot);
          return;
        }
        yield frame.text;
        continue;
      }
      if (finished) break;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = undefined;
    }
    await run;
    if (signal?.aborted) throw cancelled();
    if (failure !== undefined) {
      if (!isUnknownTool(failure)) throw providerError(slot, failure);
      // No streaming twin: the buffered tool's answer, as one chunk.
      const value = await slot.providerSlot.proxy.callTool(bufferedName(target.providers[0] as Provider), { request });
      const envelope = parseEnvelope(value);
      setMeta({
        ...meta(),
        inputTokens: envelope.usage.inputTokens,
        outputTokens: envelope.usage.outputTokens,
        totalTokens: envelope.usage.inputTokens + envelope.usage.outputTokens,
        model: envelope.usage.model ?? "unknown",
      });
      if (envelope.stopReason === "max_iterations") throw maxIterations(slot);
      if (envelope.content) yield envelope.content;
      return;
    }
    setMeta(meta());
    // No notification reached us (a proxy that drops them): the result text holds the frames.
    if (notified === 0)
      for (const f of framesOf(finalText)) {
        if (f.kind === "end") {
          if (f.stopReason === "max_iterations") throw maxIterations(slot);
          return;
        }
        yield f.text;
      }
  } catch (err) {
    if (err instanceof MeshError && (err.code === ErrorCodes.CANCELLED || err.code.startsWith("llm_"))) throw err;
    throw providerError(slot, err);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    abort.abort(); // the consumer stopped reading: the request goes too
  }
}

async function callStreamTool(
  p: Provider,
  request: MeshLlmRequest,
  slot: LlmSlot,
  env: LlmEnv,
  signal: AbortSignal,
  onMessage: (message: string) => void,
): Promise<string> {
  const ctx = callContext.getStore();
  const args: Record<string, unknown> = { request };
  const headers: Record<string, string> = {};
  const propagated: Record<string, string> = {};
  if (ctx)
    for (const [k, v] of Object.entries(ctx.headers)) if (matchesHeaderRule(k, env.propagateHeaders)) propagated[k] = v;
  // The provider's span hangs under ours (the iteration's): no orphan parent id.
  const parent = currentSpan(ctx);
  const spanId = parent && parent.traceId === ctx?.traceId ? parent.id : newSpanId();
  const trace = ctx?.traceId ? outboundTrace(ctx.traceId, spanId, ctx.traceState) : undefined;
  Object.assign(args, trace?.args);
  Object.assign(headers, trace?.headers);
  if (Object.keys(propagated).length > 0) args._mesh_headers = propagated;
  const response = await callToolHttp(env.dispatcher, {
    url: `${p.endpoint}/mcp`,
    tool: streamName(p),
    args,
    timeoutMs: slot.spec.timeoutMs ?? env.defaultTimeoutMs,
    headers: { ...propagated, ...headers },
    signal,
    progressToken: randomUUID(),
    meta: trace?.meta,
    onNotification: (n) => {
      if (n.method !== "notifications/progress") return;
      const m = (n.params as { message?: unknown; data?: unknown }).message ?? (n.params as { data?: unknown }).data;
      if (typeof m === "string") onMessage(m);
    },
  });
  const value = decodeResponse(response, `${streamName(p)} at ${p.endpoint}`);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function streamName(p: Provider): string {
  return p.functionName.endsWith(SUFFIX) ? p.functionName : `${p.functionName}${SUFFIX}`;
}

function bufferedName(p: Provider): string {
  return p.functionName.endsWith(SUFFIX) ? p.functionName.slice(0, -SUFFIX.length) : p.functionName;
}

function isUnknownTool(err: unknown): boolean {
  return /unknown tool|tool not found|tool .* not found/i.test(String((err as Error)?.message ?? ""));
}

function maxIterations(slot: LlmSlot): MeshError {
  return new MeshError(
    ErrorCodes.LLM_MAX_ITERATIONS,
    `the provider's tool loop for tool "${slot.tool}" reached its iteration limit without an answer`,
  );
}
