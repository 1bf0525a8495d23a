import { describe, expect, it } from "vitest";
import { type RawSpan, waterfall } from "./trace";

const span = (id: string, parent: string, op: string, start: number, ms: number, extra: Partial<RawSpan> = {}) => ({
  span_id: id,
  parent_span: parent,
  operation: op,
  agent_name: `agent-${id}`,
  start_time: start,
  duration_ms: ms,
  ...extra,
});

describe("trace waterfall", () => {
  // A call through a consumer to a provider, with the outbound wrapper span between them.
  const spans = [
    span("c", "w", "get_date", 1700000000.02, 5),
    span("w", "a", "proxy_call_wrapper", 1700000000.01, 20),
    span("a", "null", "hello", 1700000000.0, 40),
  ];

  it("orders parents before children, hides the wrapper and re-parents through it", () => {
    const rows = waterfall(spans);
    expect(rows.map((r) => [r.name, r.depth])).toEqual([
      ["hello", 0],
      ["get_date", 1],
    ]);
    expect(rows[1]?.startMs).toBeCloseTo(20, 3);
    expect(rows[1]?.offset).toBeCloseTo(0.5, 3);
    expect(rows[0]?.width).toBeCloseTo(1, 3);
  });

  it("shows internal spans when asked, and marks failures", () => {
    const rows = waterfall([...spans.slice(0, 2), { ...spans[2], success: "False" } as RawSpan], true);
    expect(rows.map((r) => [r.name, r.depth, r.ok])).toEqual([
      ["hello", 0, false],
      ["proxy_call_wrapper", 1, true],
      ["get_date", 2, true],
    ]);
  });

  it("survives a parent cycle and spans whose parent is missing", () => {
    const rows = waterfall([span("x", "y", "x", 1, 1), span("y", "x", "y", 1, 1), span("z", "gone", "z", 1, 1)]);
    expect(rows.map((r) => r.name)).toEqual(["z"]);
  });
});
