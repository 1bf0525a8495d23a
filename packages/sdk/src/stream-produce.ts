// Producing a stream (LLM-WIRE.md §3.1): a handler that returns an async iterable of strings has
// each chunk sent to its caller as `notifications/progress` (progress = index from 0, no total,
// message = the chunk) when the caller sent a progress token, and the concatenation is the
// tool's text result for everyone, so callers that do not stream still get the whole answer.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { currentCall } from "./call-context.js";
import type { ToolContext } from "./types.js";

/**
 * Bound on the concatenation a streaming tool keeps for its final result (the client's default
 * answer bound): a generator that never ends fails instead of filling the heap.
 */
export const MAX_STREAM_CHARS = 32 * 1024 * 1024;

export function isAsyncIterable(v: unknown): v is AsyncIterable<unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === "function"
  );
}

/** `async function* (...) {}`: known to stream before it is ever called. */
export function isAsyncGeneratorFunction(fn: unknown): boolean {
  return typeof fn === "function" && Object.prototype.toString.call(fn) === "[object AsyncGeneratorFunction]";
}

const ABORTED = Symbol("aborted");

/**
 * Pulls the iterable to its end, sending each chunk on; resolves with the concatenation. The
 * caller going away (ctx.signal) stops pulling and calls the iterator's `return()`, so the
 * generator's `finally` runs (at its next `yield`: a generator blocked in an `await` should watch
 * ctx.signal itself). A chunk that is not a string fails the call with `stream_invalid_chunk`.
 */
export async function produceStream(iterable: AsyncIterable<unknown>, ctx: ToolContext, tool: string): Promise<string> {
  const it = iterable[Symbol.asyncIterator]();
  const parts: string[] = [];
  let chars = 0;
  let finished = false;
  const signal = ctx.signal;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<typeof ABORTED>((resolve) => {
    onAbort = () => resolve(ABORTED);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
  try {
    for (let index = 0; ; index++) {
      const step = await Promise.race([it.next(), aborted]);
      if (step === ABORTED)
        throw new MeshError(ErrorCodes.CANCELLED, `tool ${tool}: the caller went away; the stream was stopped`);
      if (step.done) {
        finished = true;
        break;
      }
      const chunk = step.value;
      if (typeof chunk !== "string")
        throw new MeshError(
          ErrorCodes.STREAM_INVALID_CHUNK,
          `tool ${tool}: a streaming tool yields strings; chunk ${index} is ${describe(chunk)}`,
        );
      chars += chunk.length;
      if (chars > MAX_STREAM_CHARS)
        throw new MeshError(
          ErrorCodes.STREAM_INVALID_CHUNK,
          `tool ${tool}: the stream grew past ${MAX_STREAM_CHARS} characters; end it sooner or split it`,
        );
      parts.push(chunk);
      await ctx.progress(index, undefined, chunk);
      // A caller that reads slowly holds the generator back instead of our memory growing.
      await currentCall()?.stream?.drained?.();
    }
  } finally {
    signal?.removeEventListener("abort", onAbort as () => void);
    // Not awaited: a generator blocked in an await takes the return at its next yield.
    if (!finished) it.return?.().catch(() => {});
  }
  return parts.join("");
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}
