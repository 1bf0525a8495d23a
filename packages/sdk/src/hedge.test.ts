import { describe, expect, it } from "vitest";
import { hedge } from "./hedge.js";

/** A request that settles when the test says so, and records whether it was cancelled. */
function controllable<T>() {
  let resolve: (v: T) => void = () => {};
  let reject: (e: unknown) => void = () => {};
  const state = { started: false, cancelled: false };
  const fn = (signal: AbortSignal) => {
    state.started = true;
    signal.addEventListener("abort", () => (state.cancelled = true));
    return new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
  };
  return { fn, state, resolve: (v: T) => resolve(v), reject: (e: unknown) => reject(e) };
}

const never = () => false;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("hedge", () => {
  it("a first answer before the hedge delay is the only request", async () => {
    const a = controllable<string>();
    const b = controllable<string>();
    const out = hedge(a.fn, b.fn, 10_000, never);
    a.resolve("a");
    expect(await out).toEqual({ ok: true, value: "a" });
    expect(b.state.started).toBe(false);
  });

  it("after the delay the second request starts; the first success wins and the other is cancelled", async () => {
    const a = controllable<string>();
    const b = controllable<string>();
    const out = hedge(a.fn, b.fn, 1, never);
    while (!b.state.started) await tick();
    b.resolve("b");
    expect(await out).toEqual({ ok: true, value: "b" });
    expect(a.state.cancelled).toBe(true);
    expect(b.state.cancelled).toBe(false);
  });

  it("a failure waits for the other request; both failing reports the last error", async () => {
    const a = controllable<string>();
    const b = controllable<string>();
    const out = hedge(a.fn, b.fn, 1, never);
    while (!b.state.started) await tick();
    a.reject(new Error("a timed out"));
    await tick();
    b.reject(new Error("b timed out"));
    expect(await out).toEqual({ ok: false, error: new Error("b timed out"), hedged: true });
  });

  it("a failure before the delay ends the hedge (the caller moves on); a final error ends it at once", async () => {
    const a = controllable<string>();
    const b = controllable<string>();
    const early = hedge(a.fn, b.fn, 10_000, never);
    a.reject(new Error("refused"));
    expect(await early).toEqual({ ok: false, error: new Error("refused"), hedged: false });
    expect(b.state.started).toBe(false);

    const c = controllable<string>();
    const d = controllable<string>();
    const out = hedge(c.fn, d.fn, 1, (e) => (e as Error).message === "tool failed");
    while (!d.state.started) await tick();
    d.reject(new Error("tool failed"));
    expect(await out).toEqual({ ok: false, error: new Error("tool failed"), hedged: true });
    expect(c.state.cancelled).toBe(true);
  });
});
