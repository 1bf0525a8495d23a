import { describe, expect, it } from "vitest";
import { createOutlierTracker, type OutlierEvent } from "./outlier.js";

const policy = { consecutiveFailures: 3, baseEjectionMs: 1000, maxEjectionMs: 4000 };

describe("outlier ejection", () => {
  it("ejects an endpoint after consecutive failures, probes it once, and lets it back in when it answers", () => {
    const events: OutlierEvent[] = [];
    const t = createOutlierTracker({ policy, onEvent: (e) => events.push(e) });
    const a = "http://a:1";
    t.failure(a, 0);
    t.failure(a, 10);
    expect(t.admit(a, 20)).toBe(true); // two failures: still in rotation
    t.failure(a, 30);
    expect(events).toEqual([
      {
        kind: "ejected",
        endpoint: a,
        failures: 3,
        forMs: 1000,
        reason: "3 consecutive timeouts or connection failures",
      },
    ]);
    expect(t.admit(a, 500)).toBe(false);
    t.failure(a, 600); // a call sent before the ejection timing out: no new ejection
    expect(events).toHaveLength(1);
    // Half-open: past the ejection exactly one caller is let through.
    expect(t.admit(a, 1031)).toBe(true);
    expect(t.admit(a, 1032)).toBe(false);
    t.success(a, 1100);
    expect(events[1]).toEqual({ kind: "returned", endpoint: a, ejectedMs: 1070 });
    expect(t.admit(a, 1101)).toBe(true);
    expect(t.admit(a, 1102)).toBe(true);
  });

  it("a failed probe ejects for twice as long, up to the maximum", () => {
    const t = createOutlierTracker({ policy });
    const a = "http://a:1";
    for (let i = 0; i < 3; i++) t.failure(a, 0);
    expect(t.admit(a, 1000)).toBe(true);
    t.failure(a, 1001); // probe failed
    expect(t.admit(a, 2500)).toBe(false);
    expect(t.admit(a, 3001)).toBe(true);
    t.failure(a, 3002);
    expect(t.isEjected(a, 7001)).toBe(true); // 3002 + 4000
    expect(t.admit(a, 7002)).toBe(true);
    t.failure(a, 7003);
    expect(t.isEjected(a, 11_002)).toBe(true); // capped at 4000
    expect(t.isEjected(a, 11_004)).toBe(false);
  });

  it("a success resets the count, and other endpoints are unaffected", () => {
    const t = createOutlierTracker({ policy });
    t.failure("a", 0);
    t.failure("a", 1);
    t.success("a", 2);
    t.failure("a", 3);
    t.failure("a", 4);
    expect(t.admit("a", 5)).toBe(true);
    for (let i = 0; i < 3; i++) t.failure("b", 0);
    expect(t.admit("a", 6)).toBe(true);
    expect(t.admit("b", 6)).toBe(false);
  });

  it("a probe that never settles frees the half-open slot after one ejection period", () => {
    const t = createOutlierTracker({ policy });
    for (let i = 0; i < 3; i++) t.failure("a", 0);
    expect(t.admit("a", 1000)).toBe(true);
    expect(t.admit("a", 1500)).toBe(false);
    expect(t.admit("a", 2001)).toBe(true);
  });

  it("with a health probe, no call is spent on the half-open test", async () => {
    const events: OutlierEvent[] = [];
    let now = 0;
    let answer = false;
    const probed: string[] = [];
    const t = createOutlierTracker({
      policy,
      onEvent: (e) => events.push(e),
      clock: () => now,
      probe: async (endpoint) => {
        probed.push(endpoint);
        return answer;
      },
    });
    for (let i = 0; i < 3; i++) t.failure("a", 0);
    now = 1000;
    expect(t.admit("a", now)).toBe(false); // the probe goes out instead of this call
    expect(probed).toEqual(["a"]);
    await Promise.resolve();
    expect(t.isEjected("a", 2999)).toBe(true); // it failed: ejected for 2000 ms more
    now = 3000;
    answer = true;
    expect(t.admit("a", now)).toBe(false);
    await Promise.resolve();
    expect(events.map((e) => e.kind)).toEqual(["ejected", "returned"]);
    expect(t.admit("a", 3001)).toBe(true);
  });

  it("a timeout from an endpoint that answered nothing since the call was sent ejects at once", () => {
    const events: OutlierEvent[] = [];
    const t = createOutlierTracker({ policy, onEvent: (e) => events.push(e) });
    t.success("slow", 100);
    t.failure("slow", 1000, 50); // timed out, but it answered another call meanwhile: slow, not hung
    expect(t.admit("slow", 1001)).toBe(true);
    t.success("hung", 10);
    t.failure("hung", 1000, 50); // nothing since 50
    expect(t.admit("hung", 1001)).toBe(false);
    expect(events).toEqual([
      {
        kind: "ejected",
        endpoint: "hung",
        failures: 1,
        forMs: 1000,
        reason: "a timeout with no answer at all since the call was sent",
      },
    ]);
  });

  it("counts calls in flight per endpoint, and prefers the less loaded, then the one that answered last", () => {
    const t = createOutlierTracker({ policy });
    expect(t.compare("a", "b")).toBe(0); // idle: equal, the rotation decides
    t.started("a");
    t.started("a");
    expect(t.compare("a", "b")).toBeGreaterThan(0); // b first
    t.started("b");
    t.finished("a");
    expect([t.inFlight("a"), t.inFlight("b"), t.inFlight("c")]).toEqual([1, 1, 0]);
    t.success("a", 10);
    t.success("b", 20);
    expect(t.compare("a", "b")).toBeGreaterThan(0); // one each: b answered more recently
    t.finished("a");
    t.finished("b");
    expect([t.inFlight("a"), t.inFlight("b")]).toEqual([0, 0]);
    expect(t.compare("a", "b")).toBe(0);
  });

  it("passes over a replica that has calls out and has been silent well past its peer", () => {
    const t = createOutlierTracker({ policy });
    t.success("a", 1000);
    t.success("b", 1050);
    t.started("a"); // one call out, nothing back
    for (let i = 0; i < 3; i++) t.started("b"); // three out, but answering
    expect(t.compare("a", "b")).toBeLessThan(0); // within 100 ms: fewer in flight wins
    t.success("b", 1200);
    expect(t.compare("a", "b")).toBeGreaterThan(0); // a silent 200 ms longer: b first
    expect(t.compare("b", "a")).toBeLessThan(0);
    t.finished("a"); // no call out: a is not stalling, just idle
    expect(t.compare("a", "b")).toBeLessThan(0);
  });
});
