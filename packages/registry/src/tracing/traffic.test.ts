// Traffic per edge from spans as they arrive, in any order, with the clock passed in.
import type { TraceSpanView } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { createTrafficAggregator } from "./traffic.js";

const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");
let seq = 0;
function span(
  trace: number,
  parent: TraceSpanView | null,
  agent: string,
  operation: string,
  ms: number,
  extra: Partial<TraceSpanView> = {},
): TraceSpanView {
  return {
    trace_id: hex(trace, 32),
    span_id: hex(++seq, 16),
    parent_span: parent?.span_id ?? null,
    operation,
    agent_id: `${agent}-id`,
    agent_name: agent,
    start_time: 1000,
    end_time: 1000 + ms / 1000,
    duration_ms: ms,
    success: true,
    internal: operation === "proxy_call_wrapper",
    ...extra,
  };
}

/** hello (greeter) → proxy_call_wrapper (greeter) → get_date (dates). */
function call(trace: number, wrapperMs: number, providerMs: number, providerOk = true) {
  const root = span(trace, null, "greeter", "hello", wrapperMs + 1);
  const wrapper = span(trace, root, "greeter", "proxy_call_wrapper", wrapperMs, {
    success: providerOk,
    attributes: { dependencies: '["http://127.0.0.1:9001"]' },
  });
  const leaf = span(trace, wrapper, "dates", "get_date", providerMs, { success: providerOk });
  return { root, wrapper, leaf };
}

describe("traffic per edge", () => {
  it("counts a consumer → provider call once, with the consumer's latency, whatever order the spans arrive in", () => {
    const t = createTrafficAggregator({ clock: () => 50_000 });
    const a = call(1, 12, 3);
    // The provider finishes first, so its span usually arrives first.
    expect(t.add(a.leaf)).toBe(false);
    expect(t.add(a.wrapper)).toBe(true);
    expect(t.add(a.root)).toBe(false);
    const b = call(2, 20, 5, false);
    t.add(b.root);
    t.add(b.wrapper);
    t.add(b.leaf);
    t.add(b.leaf);
    const view = t.view(60);
    expect(view.total_calls).toBe(2);
    expect(view.total_errors).toBe(1);
    expect(view.edges).toHaveLength(1);
    const edge = view.edges[0];
    expect(edge).toMatchObject({
      source: "greeter-id",
      target: "dates-id",
      source_name: "greeter",
      target_name: "dates",
    });
    expect(edge?.tools).toEqual([expect.objectContaining({ tool: "get_date", calls: 2, errors: 1 })]);
    expect(edge?.max_ms).toBe(20);
    expect(edge?.p50_ms).toBeCloseTo(12, -0.5);
    // One sample reads exactly, whatever its histogram bin.
    const one = createTrafficAggregator({ clock: () => 50_000 });
    const c = call(3, 398, 1);
    one.add(c.wrapper);
    one.add(c.leaf);
    expect(one.view(60).edges[0]).toMatchObject({ p50_ms: 398, p95_ms: 398, max_ms: 398 });
  });

  it("reads p50 and p95 within 2 % and forgets calls older than the window", () => {
    let now = 100_000;
    const t = createTrafficAggregator({ clock: () => now });
    for (let i = 1; i <= 100; i++) {
      const c = call(100 + i, i, 1);
      t.add(c.wrapper);
      t.add(c.leaf);
    }
    const v = t.view(300).edges[0];
    expect(v?.calls).toBe(100);
    expect(Math.abs((v?.p50_ms ?? 0) - 50) / 50).toBeLessThan(0.02);
    expect(Math.abs((v?.p95_ms ?? 0) - 95) / 95).toBeLessThan(0.02);
    const stamp = t.stamp();
    expect(t.stamp()).toBe(stamp);
    now += 400_000;
    // The windows moved on: the stream recomputes.
    expect(t.stamp()).not.toBe(stamp);
    expect(t.view(300).edges).toEqual([]);
    expect(t.view(3600).total_calls).toBe(100);
  });

  it("counts an outbound call no provider span answers after 5 s, on the edge to the agent at its endpoint", () => {
    let now = 0;
    const t = createTrafficAggregator({
      clock: () => now,
      agentAt: (e) => (e === "http://127.0.0.1:9001" ? { id: "dates-id", name: "dates" } : undefined),
    });
    const c = call(7, 30, 1, false);
    t.add(c.root);
    t.add(c.wrapper);
    expect(t.view(60).total_calls).toBe(0);
    now = 6000;
    const edge = t.view(60).edges[0];
    expect(edge).toMatchObject({ source: "greeter-id", target: "dates-id", calls: 1, errors: 1 });
    expect(edge?.tools[0]?.tool).toBeNull();
    // A provider span arriving after that does not count the call twice.
    t.add(c.leaf);
    expect(t.view(60).total_calls).toBe(1);
  });

  it("counts a call between agents without a wrapper span; a span under its own agent's span is no edge", () => {
    const t = createTrafficAggregator({ clock: () => 1000 });
    const root = span(9, null, "py-consumer", "ask", 10);
    const inner = span(9, root, "py-consumer", "helper", 2);
    const remote = span(9, root, "dates", "get_date", 4, { success: false, error: "boom" });
    for (const s of [remote, inner, root]) t.add(s);
    expect(t.view(60).edges).toEqual([
      expect.objectContaining({ source: "py-consumer-id", target: "dates-id", calls: 1, errors: 1, p50_ms: 4 }),
    ]);
  });
});
