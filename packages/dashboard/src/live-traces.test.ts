import type { TraceSpanView } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { applySpan } from "./live-traces";

const span = (trace: string, id: string, parent: string | null, op: string, agent: string, start: number, ms: number) =>
  ({
    trace_id: trace,
    span_id: id,
    parent_span: parent,
    operation: op,
    agent_name: agent,
    start_time: start,
    end_time: start + ms / 1000,
    duration_ms: ms,
    success: true,
  }) as TraceSpanView;

describe("live trace list", () => {
  it("folds spans into their trace's row, moves it to the top, and finds the root whatever arrives first", () => {
    let list = applySpan([], span("a", "2", "1", "get_date", "dates", 100.01, 5));
    list = applySpan(list, span("b", "9", null, "other", "x", 90, 1));
    expect(list.map((t) => t.trace_id)).toEqual(["b", "a"]);
    list = applySpan(list, { ...span("a", "1", null, "hello", "greeter", 100, 40), success: false });
    expect(list.map((t) => t.trace_id)).toEqual(["a", "b"]);
    expect(list[0]).toMatchObject({
      root_operation: "hello",
      root_agent: "greeter",
      start_time: 100,
      duration_ms: 40,
      span_count: 2,
      agents: ["dates", "greeter"],
      success: false,
    });
  });

  it("keeps at most `limit` rows and ignores what is not a span", () => {
    let list = applySpan([], span("a", "1", null, "f", "x", 1, 1));
    list = applySpan(list, span("b", "1", null, "f", "x", 1, 1), 1);
    expect(list.map((t) => t.trace_id)).toEqual(["b"]);
    expect(applySpan(list, undefined as unknown as TraceSpanView)).toBe(list);
  });
});
