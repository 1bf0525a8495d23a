// The reference registry's GET /trace/{id} answers its Go CompletedTrace struct as encoded with
// no JSON tags: Go field names (TraceID, SpanID, ParentSpan, StartTime as RFC 3339, Duration in
// ns...), which the reference meshctl decodes (Go matches keys case-insensitively, so our
// `spans`, `agents`, `success`, `operation`, `runtime` already land). These are the fields it
// would otherwise miss, added beside ours so `meshctl trace` of the reference works against this
// registry (docs/observability.md, "GET /trace/{trace_id}"; test/interop/trace-shape.test.ts).
import type { ReferenceSpanFields, ReferenceTraceFields, TraceSpanView, TraceView } from "@mcp-mesh/protocol";

/** Unix seconds -> RFC 3339 with the fraction Go writes (trailing zeros dropped). */
function rfc3339(seconds: number): string {
  const whole = Math.floor(seconds);
  const micros = Math.round((seconds - whole) * 1e6);
  const base = new Date(whole * 1000).toISOString().slice(0, 19);
  const frac = micros > 0 ? `.${String(micros).padStart(6, "0").replace(/0+$/, "")}` : "";
  return `${base}${frac}Z`;
}

export function referenceSpan(s: TraceSpanView): TraceSpanView & ReferenceSpanFields {
  return {
    ...s,
    TraceID: s.trace_id,
    SpanID: s.span_id,
    ...(s.parent_span !== null && { ParentSpan: s.parent_span }),
    AgentName: s.agent_name ?? "",
    AgentID: s.agent_id ?? "",
    IPAddress: s.attributes?.agent_ip ?? "",
    StartTime: rfc3339(s.start_time),
    EndTime: rfc3339(s.end_time),
    // Whole milliseconds, truncated as the reference computes them.
    DurationMS: Math.trunc(s.duration_ms),
    ...(s.error && { ErrorMessage: s.error }),
  };
}

export function referenceTrace(t: Omit<TraceView, keyof ReferenceTraceFields>, end: number): TraceView {
  return {
    ...t,
    spans: t.spans.map(referenceSpan),
    TraceID: t.trace_id,
    StartTime: rfc3339(t.start_time),
    EndTime: rfc3339(end),
    // Microsecond records: whole microseconds, so float noise does not show up as nanoseconds.
    Duration: Math.round((end - t.start_time) * 1e6) * 1000,
    SpanCount: t.span_count,
    AgentCount: t.agents.length,
  };
}
