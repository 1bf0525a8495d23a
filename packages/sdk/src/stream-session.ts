// One streaming tools/call as a pull queue (LLM-WIRE.md §3.3): the call is sent with a random
// progress token, each `notifications/progress` of that token becomes a chunk, and the JSON-RPC
// answer ends the queue. The queue is bounded: past HIGH_WATER chunks the notification callback
// returns a promise, the one client stops reading, and TCP holds the producer back.
import { randomUUID } from "node:crypto";
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { JsonRpcResponse, ToolNotification } from "./client/tools-call.js";

export type StreamItem = { chunk: string } | { answer: JsonRpcResponse };

/** Sends the call; resolves with its answer. Aborting `signal` must end it (MeshError `cancelled`). */
export type StreamSender = (
  progressToken: string,
  onNotification: (n: ToolNotification) => void | Promise<void>,
  signal: AbortSignal,
) => Promise<JsonRpcResponse>;

export interface StreamSession {
  /** The next chunk, or the answer (last); rejects with the call's MeshError. */
  next(): Promise<StreamItem>;
  /** Ends the call if it still runs (the consumer stopped): the connection is closed. */
  close(): void;
}

const HIGH_WATER = 64;

/**
 * `firstChunkMs`: when nothing (chunk or answer) arrives within it, the call is given up with a
 * MeshError `timeout` (the proxy may then try another provider). `signal`: the consumer's own.
 */
export function openStream(
  send: StreamSender,
  where: string,
  firstChunkMs: number | undefined,
  signal: AbortSignal | undefined,
): StreamSession {
  const token = randomUUID();
  const abort = new AbortController();
  const queue: StreamItem[] = [];
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  let resume: (() => void) | undefined;
  let firstSeen = false;
  let firstTimedOut = false;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const seen = () => {
    firstSeen = true;
    clearTimeout(firstTimer);
  };
  const firstTimer =
    firstChunkMs === undefined
      ? undefined
      : setTimeout(() => {
          if (firstSeen) return;
          firstTimedOut = true;
          abort.abort();
        }, firstChunkMs);
  const onOuterAbort = () => abort.abort();
  if (signal?.aborted) abort.abort();
  else signal?.addEventListener("abort", onOuterAbort, { once: true });

  const onNotification = (n: ToolNotification): Promise<void> | undefined => {
    if (n.method !== "notifications/progress" || n.params.progressToken !== token) return;
    const text = typeof n.params.message === "string" ? n.params.message : n.params.data;
    if (typeof text !== "string") return;
    seen();
    queue.push({ chunk: text });
    notify();
    if (queue.length < HIGH_WATER) return;
    return new Promise<void>((r) => (resume = r));
  };
  send(token, onNotification, abort.signal).then(
    (answer) => {
      seen();
      queue.push({ answer });
      ended = true;
      notify();
    },
    (err) => {
      failure = firstTimedOut
        ? new MeshError(ErrorCodes.TIMEOUT, `${where}: no first chunk within ${firstChunkMs} ms`, {
            timeoutMs: firstChunkMs,
          })
        : err;
      ended = true;
      notify();
    },
  );
  const cleanup = () => {
    clearTimeout(firstTimer);
    signal?.removeEventListener("abort", onOuterAbort);
  };
  return {
    async next() {
      for (;;) {
        const item = queue.shift();
        if (item) {
          if (queue.length < HIGH_WATER / 2 && resume) {
            resume();
            resume = undefined;
          }
          if ("answer" in item) cleanup();
          return item;
        }
        if (ended) {
          cleanup();
          throw failure ?? new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: the stream ended without an answer`);
        }
        await new Promise<void>((r) => (wake = r));
      }
    },
    close() {
      cleanup();
      if (!ended) abort.abort();
      resume?.();
      queue.length = 0;
    },
  };
}

/** The text a tool that sent no chunk answered (what Python's `.stream()` yields once). */
export function resultText(answer: JsonRpcResponse): string {
  return (answer.result?.content ?? [])
    .filter((c) => c.type === "text" && typeof c.text === "string")
    .map((c) => c.text as string)
    .join("");
}
