// The live list of traces: GET /traces once, then each span pushed on /traces/stream folded in
// here, so the list stays current without re-fetching. Most recently updated first, as the
// registry orders it; at most `limit` rows.
import type { TraceSpanView, TraceSummary } from "@mcp-mesh/protocol";

export function applySpan(list: TraceSummary[], span: TraceSpanView, limit = 50): TraceSummary[] {
  if (typeof span?.trace_id !== "string") return list;
  const old = list.find((t) => t.trace_id === span.trace_id);
  const spanEnd = Number(span.end_time) || Number(span.start_time) + Number(span.duration_ms) / 1000 || 0;
  const start = Math.min(old?.start_time ?? Number.POSITIVE_INFINITY, Number(span.start_time) || spanEnd);
  const end = Math.max(old ? old.start_time + old.duration_ms / 1000 : 0, spanEnd);
  const root = span.parent_span === null || span.parent_span === undefined;
  const agent = span.agent_name ?? span.agent_id;
  const next: TraceSummary = {
    trace_id: span.trace_id,
    root_operation: root ? (span.operation ?? null) : (old?.root_operation ?? null),
    root_agent: root ? (agent ?? null) : (old?.root_agent ?? null),
    start_time: start,
    duration_ms: Math.round((end - start) * 100_000) / 100,
    span_count: (old?.span_count ?? 0) + 1,
    agents: [...new Set([...(old?.agents ?? []), ...(agent ? [agent] : [])])],
    success: (old?.success ?? true) && span.success !== false,
  };
  return [next, ...list.filter((t) => t !== old)].slice(0, limit);
}
