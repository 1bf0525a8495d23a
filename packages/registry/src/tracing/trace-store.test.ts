// The trace store stays bounded (traces, spans per trace, age) and ignores records that are not
// span records, whatever an agent (or anyone who can XADD) writes to mesh:trace.
import { describe, expect, it } from "vitest";
import { createTraceStore } from "./trace-store.js";

const hex = (n: number, len: number) => n.toString(16).padStart(len, "0");
const rec = (trace: number, span: number, parent: string | number = "null") => ({
  trace_id: hex(trace, 32),
  span_id: hex(span, 16),
  parent_span: typeof parent === "number" ? hex(parent, 16) : parent,
  function_name: `f${span}`,
  start_time: String(1000 + span / 1000),
  duration_ms: "1.50",
  success: "True",
  agent_name: "a",
});

describe("trace store", () => {
  it("keeps at most 2000 traces, the most recently updated, and 1000 spans per trace", () => {
    const store = createTraceStore();
    for (let t = 1; t <= 2100; t++) store.add(rec(t, 1));
    expect(store.get(hex(1, 32))).toBeUndefined();
    expect(store.get(hex(2100, 32))?.span_count).toBe(1);
    expect(store.recent(5000)).toHaveLength(2000);
    expect(store.recent(3)[0]?.trace_id).toBe(hex(2100, 32));
    for (let s = 2; s <= 1100; s++) store.add(rec(7, s, 1));
    expect(store.get(hex(7, 32))?.span_count).toBe(1000);
  });

  it("drops traces not updated for an hour", () => {
    let now = 0;
    const store = createTraceStore(() => now);
    store.add(rec(1, 1));
    now = 61 * 60 * 1000;
    store.add(rec(2, 1));
    expect(store.get(hex(1, 32))).toBeUndefined();
    expect(store.get(hex(2, 32))).toBeDefined();
  });

  it("ignores records without valid ids; reads Python's True/False and None parents", () => {
    const store = createTraceStore();
    expect(store.add({ trace_id: "xyz", span_id: "1" })).toBeUndefined();
    expect(store.add({ ...rec(1, 1), span_id: "not-hex" })).toBeUndefined();
    const span = store.add({ ...rec(3, 1), parent_span: "None", success: "False", error: "boom" });
    expect(span?.parent_span).toBeNull();
    expect(span?.success).toBe(false);
    expect(store.get(hex(3, 32))?.success).toBe(false);
    expect(store.recent(10)).toHaveLength(1);
  });
});
