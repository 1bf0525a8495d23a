// The one place an inbound call's context lives. Each call the endpoint accepts gets one record:
// how to answer it, where messages sent while it runs go (its caller's stream), and its mesh
// context (trace ids, propagated headers). The record is registered under the call's internal
// id while the call is in flight, and is "the current call" for everything the handler awaits,
// so the proxies it calls see the trace without the context being threaded through user code.
import { AsyncLocalStorage } from "node:async_hooks";
import type { ToolContext } from "./types.js";

type Json = Record<string, unknown>;

/**
 * Takes a message the server sends while one request runs (a notification, or a request to the
 * client); false when it cannot reach the caller (no SSE accepted, or the caller went away).
 */
export type RequestStream = ((message: Json) => boolean) & {
  /** Resolves once what was sent has left for the caller (undefined: nothing waits to drain). */
  drained?: () => Promise<void> | undefined;
};

export interface InboundCall {
  /** The id the official server knows this call by (callers' own ids collide). */
  readonly id: number;
  /** Receives the server's answer, once. */
  readonly answer: (message: Json) => void;
  readonly stream: RequestStream | undefined;
  /** Trace and headers from the caller; completed with the caller's log/progress channel. */
  ctx: ToolContext | undefined;
}

const current = new AsyncLocalStorage<InboundCall>();

/** Runs `fn` with `call` as the current call. */
export function runInCall<T>(call: InboundCall, fn: () => T): T {
  return current.run(call, fn);
}

/** The call being handled right now, if any. */
export function currentCall(): InboundCall | undefined {
  return current.getStore();
}

/** The context of the tool call being handled (what proxies propagate). */
export const callContext = {
  getStore: (): ToolContext | undefined => current.getStore()?.ctx,
};
