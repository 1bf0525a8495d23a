// What a caller's W3C trace context becomes: the traceparent we continue and the tracestate we
// forward (https://www.w3.org/TR/trace-context/). Whatever a caller sends, nothing malformed is
// passed on to the next agent.
import { describe, expect, it } from "vitest";
import { parseTraceparent, parseTracestate } from "./ids.js";

describe("W3C trace context", () => {
  it("continues a valid traceparent, not an all-zero or malformed one", () => {
    const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(parseTraceparent(tp)).toEqual({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" });
    expect(parseTraceparent(tp.toUpperCase())?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(parseTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`)).toBeUndefined();
    expect(parseTraceparent("00-xyz-00f067aa0ba902b7-01")).toBeUndefined();
    expect(parseTraceparent(42)).toBeUndefined();
  });

  it("forwards a well-formed tracestate, members trimmed, empty members dropped", () => {
    expect(parseTracestate("congo=t61rcWkgMzE")).toBe("congo=t61rcWkgMzE");
    expect(parseTracestate(" rojo=00f067aa0ba902b7 ,, congo=t61rcWkgMzE ")).toBe(
      "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    );
    expect(parseTracestate("fw529a3039@dt=xyz,1tenant@vendor=a b")).toBe("fw529a3039@dt=xyz,1tenant@vendor=a b");
  });

  it("drops the whole tracestate when any member is bad or it is over the limits", () => {
    for (const bad of [
      "",
      ",",
      "Congo=upper-case-key",
      "congo",
      "congo=",
      "congo=a=b",
      "congo=x\nrojo=y",
      `a=${"x".repeat(600)}`,
      Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","),
    ])
      expect(parseTracestate(bad), JSON.stringify(bad)).toBeUndefined();
    expect(parseTracestate(Array.from({ length: 32 }, (_, i) => `k${i}=v`).join(","))).toBeTruthy();
    expect(parseTracestate(["congo=x"])).toBeUndefined();
  });
});
