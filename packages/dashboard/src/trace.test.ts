import { describe, expect, it } from "vitest";
import { readSpan, type Span, spansOf, waterfall } from "./trace";

/** Our registry's TraceSpanView (start in unix seconds). */
const view = (id: string, parent: string | null, op: string, start: number, ms: number, extra = {}) => ({
  trace_id: "t".repeat(32),
  span_id: id,
  parent_span: parent,
  operation: op,
  agent_name: `agent-${id}`,
  start_time: start,
  end_time: start + ms / 1000,
  duration_ms: ms,
  success: true,
  internal: op === "proxy_call_wrapper",
  ...extra,
});
const read = (list: unknown[]) => list.map(readSpan) as Span[];

describe("trace waterfall", () => {
  // A call through a consumer to a provider, with the outbound wrapper span between them.
  const spans = [
    view("c", "w", "get_date", 1700000000.02, 5),
    view("w", "a", "proxy_call_wrapper", 1700000000.01, 20),
    view("a", null, "hello", 1700000000.0, 40, { llm_input_tokens: 17, llm_output_tokens: 8, llm_model: "m" }),
  ];

  it("orders parents before children, hides the wrapper and re-parents through it; carries tokens", () => {
    const rows = waterfall(read(spans));
    expect(rows.map((r) => [r.name, r.depth])).toEqual([
      ["hello", 0],
      ["get_date", 1],
    ]);
    expect(rows[1]?.offsetMs).toBeCloseTo(20, 3);
    expect(rows[1]?.offset).toBeCloseTo(0.5, 3);
    expect(rows[0]?.width).toBeCloseTo(1, 3);
    expect(rows[0]).toMatchObject({ tokensIn: 17, tokensOut: 8, model: "m", agent: "agent-a" });
  });

  it("shows internal spans when asked, and marks failures with their error", () => {
    const failed = { ...spans[2], success: false, error: "boom" };
    const rows = waterfall(read([...spans.slice(0, 2), failed]), true);
    expect(rows.map((r) => [r.name, r.depth, r.ok, r.error])).toEqual([
      ["hello", 0, false, "boom"],
      ["proxy_call_wrapper", 1, true, null],
      ["get_date", 2, true, null],
    ]);
  });

  it("reads the reference registry's PascalCase and the Redis record's names", () => {
    const ref = spansOf({
      Spans: [
        { SpanID: "r", Operation: "ask", AgentName: "py", StartTime: "2026-01-01T00:00:00Z", DurationMS: 9 },
        { SpanID: "k", ParentSpan: "r", Operation: "tool", AgentName: "ts", Success: false, ErrorMessage: "x" },
      ],
    });
    expect(ref.map((s) => [s.name, s.agent, s.parent, s.ok])).toEqual([
      ["ask", "py", null, true],
      ["tool", "ts", "r", false],
    ]);
    expect(ref[0]?.startMs).toBe(Date.parse("2026-01-01T00:00:00Z"));
    const rec = readSpan({
      span_id: "s",
      parent_span: "None",
      function_name: "f",
      success: "False",
      duration_ms: "1.5",
    });
    expect(rec).toMatchObject({ parent: null, name: "f", ok: false, durationMs: 1.5 });
    expect(readSpan({ nope: 1 })).toBeUndefined();
    expect(spansOf(null)).toEqual([]);
  });

  it("reads an LLM iteration span's own tokens, from its fields or its attributes", () => {
    const it1 = readSpan(
      view("i", "a", "chat gpt-x", 1, 2, { llm_iteration: 1, iteration_input_tokens: 30, iteration_output_tokens: 4 }),
    );
    expect(it1).toMatchObject({ iteration: 1, tokensIn: 30, tokensOut: 4 });
    const it2 = readSpan(
      view("j", "a", "chat gpt-x", 1, 2, {
        attributes: {
          llm_iteration: "2",
          "gen_ai.usage.input_tokens": "42",
          "gen_ai.usage.output_tokens": "7",
          "gen_ai.response.model": "gpt-x",
        },
      }),
    );
    expect(it2).toMatchObject({ iteration: 2, tokensIn: 42, tokensOut: 7, model: "gpt-x" });
  });

  it("survives a parent cycle; a span whose parent has not arrived is shown at the top", () => {
    const rows = waterfall(read([view("x", "y", "x", 1, 1), view("y", "x", "y", 1, 1), view("z", "gone", "z", 1, 1)]));
    expect(rows.map((r) => r.name)).toEqual(["z"]);
  });
});
