// The caller's side of an in-process stream (a `dep.stream()` whose provider is this agent): what
// the tool sends while it runs goes to a callback, and the callback's pending promise is the
// stream's backpressure, as a slow socket is for a remote caller.
import type { RequestStream } from "./call-context.js";

type Json = Record<string, unknown>;

/** A local caller's stream: notifications to `onNotification`, its backpressure as `drained`. */
export function localStream(
  onNotification: (n: { method: string; params: Json }) => void | Promise<void>,
): RequestStream {
  let pending: Promise<void> | undefined;
  return Object.assign(
    (m: Json) => {
      if (typeof m.method !== "string" || "id" in m) return false; // requests need a remote caller
      const params = typeof m.params === "object" && m.params !== null ? (m.params as Json) : {};
      pending = onNotification({ method: m.method, params }) ?? undefined;
      return true;
    },
    {
      drained: () => {
        const p = pending;
        pending = undefined;
        return p;
      },
    },
  );
}
