// Traffic per edge, from the spans as they arrive: a call on the edge consumer → provider is a
// provider span whose parent is the consumer's outbound `proxy_call_wrapper` span (latency and
// outcome as the consumer saw them: the wrapper's), or a span whose parent is another agent's
// span (a runtime that opens no wrapper). An outbound call no provider span answers within
// GRACE_MS (provider unreachable, or not tracing) still counts, on the edge to the agent at the
// wrapper's endpoint. Counts go into 10 s buckets kept for an hour, latencies into log-scale
// histograms (±2 %), so a window's view costs buckets × edges, not spans.
import type { TraceSpanView, TrafficEdge, TrafficLatency, TrafficTool, TrafficView } from "@mcp-mesh/protocol";
import { addSample, type Histogram, mergeInto, percentile } from "./latency-histogram.js";

const BUCKET_S = 10;
const KEEP_S = 3600;
const GRACE_MS = 5000;
/** Spans kept for pairing: traces seen in the last minute, at most this many, 1000 spans each. */
const PAIR_TTL_MS = 60_000;
const MAX_PAIR_TRACES = 5000;
const MAX_PAIR_SPANS = 1000;
const WRAPPER = "proxy_call_wrapper";

export interface AgentRef {
  id: string;
  name: string;
}

interface Acc {
  calls: number;
  errors: number;
  min: number;
  max: number;
  last: number;
  hist: Histogram;
}

interface Held {
  spans: Map<string, TraceSpanView>;
  /** Wrappers whose call has been counted (answered or settled as unanswered). */
  counted: Set<string>;
  seenAt: number;
}

export interface TrafficAggregator {
  /** Takes one arriving span; true when it completed a call on some edge. */
  add(span: TraceSpanView): boolean;
  view(windowSeconds: number): TrafficView;
  /** Changes when a view may have: a call was counted, or a bucket left the windows. */
  stamp(): string;
}

export function createTrafficAggregator(
  opts: { clock?: () => number; agentAt?: (endpoint: string) => AgentRef | undefined } = {},
): TrafficAggregator {
  const clock = opts.clock ?? Date.now;
  const traces = new Map<string, Held>();
  /** trace id + span id of wrappers still waiting for their provider span, oldest first. */
  const waiting = new Map<string, { traceId: string; spanId: string; at: number }>();
  const buckets = new Map<number, Map<string, Acc>>();
  const names = new Map<string, { source: string; target: string; sourceName?: string; targetName?: string }>();
  let counted = 0;

  const count = (source: AgentRef, target: AgentRef, tool: string | null, ms: number, ok: boolean) => {
    const now = clock();
    counted++;
    const key = JSON.stringify([source.id, target.id, tool]);
    names.set(key, { source: source.id, target: target.id, sourceName: source.name, targetName: target.name });
    const start = Math.floor(now / 1000 / BUCKET_S) * BUCKET_S;
    let bucket = buckets.get(start);
    if (!bucket) {
      bucket = new Map();
      buckets.set(start, bucket);
      for (const t of buckets.keys()) if (t < start - KEEP_S) buckets.delete(t);
    }
    let acc = bucket.get(key);
    if (!acc) bucket.set(key, (acc = emptyAcc()));
    acc.calls++;
    if (!ok) acc.errors++;
    acc.min = Math.min(acc.min, ms);
    acc.max = Math.max(acc.max, ms);
    acc.last = now / 1000;
    addSample(acc.hist, ms);
  };

  /** A wrapper and its provider span, or a parent span and another agent's child span. */
  const pair = (held: Held, parent: TraceSpanView, child: TraceSpanView): boolean => {
    if (child.internal || child.operation === WRAPPER) return false;
    const target = refOf(child);
    if (parent.operation === WRAPPER) {
      if (held.counted.has(parent.span_id)) return false;
      held.counted.add(parent.span_id);
      waiting.delete(`${parent.trace_id}:${parent.span_id}`);
      count(refOf(parent), target, child.operation, parent.duration_ms, parent.success && child.success);
      return true;
    }
    const source = refOf(parent);
    if (source.id === target.id) return false;
    count(source, target, child.operation, child.duration_ms, child.success);
    return true;
  };

  /** Wrappers no provider span answered in time: counted on the edge to the agent at their endpoint. */
  const settle = () => {
    const now = clock();
    for (const [key, w] of waiting) {
      if (w.at + GRACE_MS > now) break;
      waiting.delete(key);
      const held = traces.get(w.traceId);
      const wrapper = held?.spans.get(w.spanId);
      if (!held || !wrapper || held.counted.has(w.spanId)) continue;
      held.counted.add(w.spanId);
      const endpoint = firstDependency(wrapper);
      const target = (endpoint && opts.agentAt?.(endpoint)) || {
        id: endpoint ?? "unknown",
        name: endpoint ?? "unknown",
      };
      count(refOf(wrapper), target, null, wrapper.duration_ms, wrapper.success);
    }
    for (const [id, held] of traces) {
      if (traces.size <= MAX_PAIR_TRACES && now - held.seenAt < PAIR_TTL_MS) break;
      traces.delete(id);
    }
  };

  return {
    add(span) {
      let held = traces.get(span.trace_id);
      if (held) traces.delete(span.trace_id);
      else held = { spans: new Map(), counted: new Set(), seenAt: 0 };
      held.seenAt = clock();
      traces.set(span.trace_id, held);
      if (held.spans.size >= MAX_PAIR_SPANS || held.spans.has(span.span_id)) return false;
      held.spans.set(span.span_id, span);
      let changed = false;
      const parent = span.parent_span ? held.spans.get(span.parent_span) : undefined;
      if (parent) changed = pair(held, parent, span) || changed;
      for (const s of held.spans.values()) if (s.parent_span === span.span_id) changed = pair(held, span, s) || changed;
      if (span.operation === WRAPPER && !held.counted.has(span.span_id))
        waiting.set(`${span.trace_id}:${span.span_id}`, { traceId: span.trace_id, spanId: span.span_id, at: clock() });
      settle();
      return changed;
    },
    stamp() {
      settle();
      return `${counted}:${Math.floor(clock() / 1000 / BUCKET_S)}`;
    },
    view(windowSeconds) {
      settle();
      const now = clock() / 1000;
      const from = Math.floor((now - windowSeconds) / BUCKET_S) * BUCKET_S + BUCKET_S;
      const perKey = new Map<string, Acc>();
      for (const [start, bucket] of buckets) {
        if (start < from) continue;
        for (const [key, acc] of bucket) {
          const into = perKey.get(key) ?? emptyAcc();
          merge(into, acc);
          perKey.set(key, into);
        }
      }
      const edges = new Map<string, { edge: Acc; tools: TrafficTool[]; key: string }>();
      for (const [key, acc] of perKey) {
        const n = names.get(key);
        if (!n) continue;
        const tool = (JSON.parse(key) as [string, string, string | null])[2];
        const edgeKey = JSON.stringify([n.source, n.target]);
        const e = edges.get(edgeKey) ?? {
          edge: emptyAcc(),
          tools: [] as TrafficTool[],
          key,
        };
        merge(e.edge, acc);
        e.tools.push({ tool, ...latency(acc) });
        edges.set(edgeKey, e);
      }
      const out: TrafficEdge[] = [];
      for (const { edge, tools, key } of edges.values()) {
        const n = names.get(key) as { source: string; target: string; sourceName?: string; targetName?: string };
        out.push({
          source: n.source,
          target: n.target,
          source_name: n.sourceName,
          target_name: n.targetName,
          ...latency(edge),
          tools: tools.sort((a, b) => b.calls - a.calls),
          last_call: edge.last,
        });
      }
      out.sort((a, b) => b.calls - a.calls || a.source.localeCompare(b.source) || a.target.localeCompare(b.target));
      return {
        enabled: true,
        window_seconds: windowSeconds,
        until: now,
        total_calls: out.reduce((n, e) => n + e.calls, 0),
        total_errors: out.reduce((n, e) => n + e.errors, 0),
        edges: out,
      };
    },
  };
}

const emptyAcc = (): Acc => ({ calls: 0, errors: 0, min: Number.POSITIVE_INFINITY, max: 0, last: 0, hist: new Map() });

function refOf(s: TraceSpanView): AgentRef {
  const name = s.agent_name ?? s.agent_id ?? "unknown";
  return { id: s.agent_id ?? name, name };
}

function firstDependency(s: TraceSpanView): string | undefined {
  try {
    const deps = JSON.parse(s.attributes?.dependencies ?? "[]") as unknown;
    return Array.isArray(deps) && typeof deps[0] === "string" ? deps[0] : undefined;
  } catch {
    return undefined;
  }
}

function merge(into: Acc, from: Acc): void {
  into.calls += from.calls;
  into.errors += from.errors;
  into.min = Math.min(into.min, from.min);
  into.max = Math.max(into.max, from.max);
  into.last = Math.max(into.last, from.last);
  mergeInto(into.hist, from.hist);
}

function latency(a: Acc): TrafficLatency {
  const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
  return {
    calls: a.calls,
    errors: a.errors,
    p50_ms: round(percentile(a.hist, 0.5, a.min, a.max)),
    p95_ms: round(percentile(a.hist, 0.95, a.min, a.max)),
    max_ms: a.calls > 0 ? round(a.max) : null,
  };
}
