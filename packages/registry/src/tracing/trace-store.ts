// Traces assembled from the agents' span records (LLM-WIRE.md §4.4), in memory and bounded:
// at most MAX_TRACES traces (the oldest dropped first), MAX_SPANS spans each, none older than TTL.
import type { TraceSpanView, TraceSummary, TraceView } from "@mcp-mesh/protocol";
import { referenceTrace } from "./reference-shape.js";

const MAX_TRACES = 2000;
const MAX_SPANS = 1000;
const TTL_MS = 60 * 60 * 1000;
/** Fields copied into the view's own keys; the rest go to `attributes`. */
const OWN = new Set(["trace_id", "span_id", "parent_span", "function_name", "agent_id", "agent_name", "runtime"]);

interface Held {
  spans: TraceSpanView[];
  seenAt: number;
}

export interface TraceStore {
  /** Adds one stream record; false when it is not a span record (missing or malformed ids). */
  add(record: Record<string, string>): TraceSpanView | undefined;
  get(traceId: string): TraceView | undefined;
  recent(limit: number): TraceSummary[];
}

export function createTraceStore(clock: () => number = Date.now): TraceStore {
  const traces = new Map<string, Held>();
  const prune = () => {
    const now = clock();
    for (const [id, t] of traces) {
      if (traces.size <= MAX_TRACES && now - t.seenAt < TTL_MS) break;
      traces.delete(id);
    }
  };
  return {
    add(record) {
      const span = toSpan(record);
      if (!span) return undefined;
      let held = traces.get(span.trace_id);
      if (held) traces.delete(span.trace_id);
      else held = { spans: [], seenAt: 0 };
      held.seenAt = clock();
      // Map order is recency order: re-inserted on every span.
      traces.set(span.trace_id, held);
      // A record delivered twice (a publisher's retry, a re-read after a registry restart) is one span.
      const same = held.spans.findIndex((s) => s.span_id === span.span_id);
      if (same >= 0) held.spans[same] = span;
      else if (held.spans.length < MAX_SPANS) held.spans.push(span);
      prune();
      return span;
    },
    get(traceId) {
      const held = traces.get(traceId.toLowerCase());
      if (!held) return undefined;
      const { trace, end } = view(traceId.toLowerCase(), held.spans);
      return referenceTrace(trace, end);
    },
    recent(limit) {
      const out: TraceSummary[] = [];
      for (const [id, held] of [...traces].reverse()) {
        if (out.length >= limit) break;
        const { spans: _s, root_span_id: _r, ...rest } = view(id, held.spans).trace;
        const root = held.spans.find((s) => s.parent_span === null);
        out.push({ ...rest, root_operation: root?.operation ?? null, root_agent: root?.agent_name ?? null });
      }
      return out;
    },
  };
}

function toSpan(r: Record<string, string>): TraceSpanView | undefined {
  const traceId = r.trace_id?.toLowerCase();
  const spanId = r.span_id?.toLowerCase();
  if (!traceId || !/^[0-9a-f]{32}$/.test(traceId) || !spanId || !/^[0-9a-f]{16}$/.test(spanId)) return undefined;
  const parent = r.parent_span?.trim();
  const field = (k: string) => (r[k] === undefined || Number.isNaN(Number(r[k])) ? undefined : Number(r[k]));
  const start = field("start_time") ?? 0;
  const duration = field("duration_ms") ?? 0;
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (!OWN.has(k)) attributes[k] = String(v).slice(0, 4096);
  const operation = r.function_name ?? r.operation ?? "unknown";
  return {
    trace_id: traceId,
    span_id: spanId,
    parent_span: !parent || ["null", "none", ""].includes(parent.toLowerCase()) ? null : parent.toLowerCase(),
    operation,
    agent_id: r.agent_id,
    agent_name: r.agent_name,
    runtime: r.runtime,
    start_time: start,
    end_time: field("end_time") ?? start + duration / 1000,
    duration_ms: duration,
    success: !/^false$/i.test(r.success ?? "true"),
    error: r.error && r.error !== "null" ? r.error : null,
    internal: operation === "proxy_call_wrapper",
    llm_input_tokens: field("llm_input_tokens"),
    llm_output_tokens: field("llm_output_tokens"),
    llm_total_tokens: field("llm_total_tokens"),
    llm_model: r.llm_model,
    llm_provider: r.llm_provider,
    llm_iteration: field("llm_iteration"),
    iteration_input_tokens: field("gen_ai.usage.input_tokens"),
    iteration_output_tokens: field("gen_ai.usage.output_tokens"),
    attributes,
  };
}

function view(traceId: string, held: TraceSpanView[]): { trace: TraceView; end: number } {
  const spans = [...held].sort((a, b) => a.start_time - b.start_time);
  const start = Math.min(...spans.map((s) => s.start_time));
  const end = Math.max(...spans.map((s) => s.end_time));
  const trace = {
    trace_id: traceId,
    root_span_id: spans.find((s) => s.parent_span === null)?.span_id ?? null,
    start_time: start,
    duration_ms: Math.round((end - start) * 100_000) / 100,
    span_count: spans.length,
    // Sorted, as the reference lists them.
    agents: [...new Set(spans.map((s) => s.agent_name).filter((a): a is string => !!a))].sort(),
    success: spans.every((s) => s.success),
    spans,
  };
  return { trace, end };
}
