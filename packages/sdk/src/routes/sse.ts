// Server-sent events to a browser, framed as the reference's routes frame them (LLM-WIRE.md
// §3.5): one `data:` line per line of a chunk and a blank line (an empty chunk still sends
// `data: \n\n`), `data: [DONE]` at the end, `event: error` with `{"error": msg}` when the
// iterable fails. When the client goes away the iteration is ended (`return()`), so the upstream
// call (a `dep.stream()`) is cancelled instead of streaming into nothing.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";

export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
});

/** One chunk as an SSE event. Every line break an SSE parser knows splits, so no chunk can forge a field. */
export function sseEvent(chunk: string): string {
  return `${chunk
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join("")}\n`;
}

export const SSE_DONE = "data: [DONE]\n\n";

export function sseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return `event: error\ndata: ${JSON.stringify({ error: message })}\n\n`;
}

/**
 * Streams `iterable` to `res` (Express's response, Fastify's `reply.raw`, node:http) and ends it.
 * Resolves when the stream is over, also when the client disconnected first.
 */
export async function sseStream(res: ServerResponse, iterable: AsyncIterable<string>): Promise<void> {
  const it = iterable[Symbol.asyncIterator]();
  let gone = false;
  const onClose = () => {
    if (res.writableFinished) return;
    gone = true;
    // Not awaited: an iterator busy in next() ends once that settles.
    it.return?.().catch(() => undefined);
  };
  res.on("close", onClose);
  if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
  res.flushHeaders();
  try {
    for (;;) {
      const step = await it.next();
      if (gone) return;
      if (step.done) break;
      if (!res.write(sseEvent(String(step.value)))) await drained(res);
    }
    if (!gone) res.end(SSE_DONE);
  } catch (err) {
    if (!gone) res.end(sseError(err));
  } finally {
    res.off("close", onClose);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** The same stream as a web `Response` (Hono, fetch handlers); `signal` is the request's. */
export function sseResponse(iterable: AsyncIterable<string>, signal?: AbortSignal): Response {
  const it = iterable[Symbol.asyncIterator]();
  // The body is read after the handler returned, outside the request's async context: the
  // iteration runs in the context it was created in, so its mesh calls still carry the request's
  // headers and trace.
  const inRequest = AsyncLocalStorage.snapshot();
  const encoder = new TextEncoder();
  let over = false;
  const cancel = () => {
    if (over) return;
    over = true;
    it.return?.().catch(() => undefined);
  };
  signal?.addEventListener("abort", cancel, { once: true });
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const step = await inRequest(() => it.next());
        if (over) return;
        if (step.done) {
          over = true;
          controller.enqueue(encoder.encode(SSE_DONE));
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(sseEvent(String(step.value))));
      } catch (err) {
        if (over) return;
        over = true;
        controller.enqueue(encoder.encode(sseError(err)));
        controller.close();
      }
    },
    cancel,
  });
  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
