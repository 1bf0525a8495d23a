// A trace as rows of a waterfall: spans ordered parent before child, each with its depth, its
// offset and width as fractions of the whole trace, its status and LLM tokens. Spans are read
// defensively: our registry's TraceSpanView first, then the reference registry's PascalCase
// (SpanID, ParentSpan, Operation, DurationMS…) and the Redis record's names (function_name,
// "True"/"None"), so a change of shape shows as missing cells, not a broken page. LLM iteration
// spans (`chat <model>`, one per model call) carry that call's tokens.
// Outbound-call wrapper spans are hidden and their children re-parented, as meshctl trace does.

export interface Span {
  id: string;
  parent: string | null;
  name: string;
  agent: string;
  /** Unix ms. */
  startMs: number;
  durationMs: number;
  ok: boolean;
  error: string | null;
  internal: boolean;
  /** The consumer tool span's totals, or one LLM iteration's (a `chat <model>` span) own. */
  tokensIn?: number;
  tokensOut?: number;
  model?: string;
  /** On an LLM iteration span: its number, from 1. */
  iteration?: number;
}

export interface WaterfallRow extends Span {
  depth: number;
  /** From the trace's start. */
  offsetMs: number;
  offset: number;
  width: number;
}

const INTERNAL = "proxy_call_wrapper";
type Raw = Record<string, unknown>;

/** The first of `keys` that `r` has, as a string. */
function str(r: Raw, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = r[k];
    if (typeof v === "string" && v !== "") return v;
    if (typeof v === "number") return String(v);
  }
  return undefined;
}
function num(r: Raw, ...keys: string[]): number | undefined {
  const v = str(r, ...keys);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Seconds (ours, the Redis record), milliseconds, or an RFC 3339 string, to unix ms. */
function toMs(v: unknown): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === "number" ? v : Number(v);
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  const t = Date.parse(String(v));
  return Number.isFinite(t) ? t : 0;
}

/** A field of the span's `attributes` (the record's other fields, as our registry passes them on). */
function attrStr(r: Raw, key: string): string | undefined {
  const a = r.attributes;
  return a && typeof a === "object" ? str(a as Raw, key) : undefined;
}
function attr(r: Raw, key: string): number | undefined {
  const v = attrStr(r, key);
  return v !== undefined && Number.isFinite(Number(v)) ? Number(v) : undefined;
}

const isRootRef = (p: string | undefined) => !p || ["null", "none", ""].includes(p.toLowerCase());

/** One span in any of the shapes above; undefined for something that is not a span. */
export function readSpan(value: unknown): Span | undefined {
  if (!value || typeof value !== "object") return undefined;
  const r = value as Raw;
  const id = str(r, "span_id", "SpanID", "spanId");
  if (!id) return undefined;
  const parent = str(r, "parent_span", "ParentSpan", "parent_span_id", "parentSpanId");
  const name = str(r, "operation", "Operation", "function_name", "name") ?? "?";
  const success = r.success ?? r.Success;
  const error = str(r, "error", "ErrorMessage", "error_message");
  const ok = !(success === false || (typeof success === "string" && /^false$/i.test(success)));
  return {
    id,
    parent: isRootRef(parent) ? null : (parent as string),
    name,
    agent: str(r, "agent_name", "AgentName", "agent_id", "AgentID") ?? "",
    startMs: toMs(r.start_time ?? r.StartTime),
    durationMs: num(r, "duration_ms", "DurationMS") ?? 0,
    ok: ok && !(error && error !== "null" && success === undefined),
    error: error && error !== "null" ? error : null,
    internal: r.internal === true || name === INTERNAL,
    tokensIn: num(r, "llm_input_tokens", "iteration_input_tokens") ?? attr(r, "gen_ai.usage.input_tokens"),
    tokensOut: num(r, "llm_output_tokens", "iteration_output_tokens") ?? attr(r, "gen_ai.usage.output_tokens"),
    model: str(r, "llm_model") ?? attrStr(r, "gen_ai.response.model") ?? attrStr(r, "gen_ai.request.model"),
    iteration: num(r, "llm_iteration") ?? attr(r, "llm_iteration"),
  };
}

/** The spans of a trace body (ours: `spans`; the reference's: `Spans`). */
export function spansOf(body: unknown): Span[] {
  const b = (body ?? {}) as Raw;
  const list = Array.isArray(b.spans) ? b.spans : Array.isArray(b.Spans) ? b.Spans : [];
  return list.map(readSpan).filter((s): s is Span => s !== undefined);
}

export function waterfall(spans: Span[], showInternal = false): WaterfallRow[] {
  const byId = new Map(spans.map((s) => [s.id, s]));
  const parentOf = (s: Span): string | undefined => {
    let p = s.parent;
    // Hidden spans pass their children up to the nearest shown ancestor.
    for (let hops = 0; p && hops < 1000; hops++) {
      const ps = byId.get(p);
      if (!ps) return undefined;
      if (showInternal || !ps.internal) return ps.id;
      p = ps.parent;
    }
    return undefined;
  };
  const shown = spans.filter((s) => showInternal || !s.internal);
  const children = new Map<string | undefined, Span[]>();
  for (const s of shown) {
    const p = parentOf(s);
    children.set(p, [...(children.get(p) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => a.startMs - b.startMs);
  const t0 = Math.min(...shown.map((s) => s.startMs));
  const t1 = Math.max(...shown.map((s) => s.startMs + s.durationMs));
  const total = Math.max(t1 - t0, 1e-6);
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (s: Span, depth: number) => {
    if (seen.has(s.id)) return;
    seen.add(s.id);
    const offsetMs = s.startMs - t0;
    rows.push({ ...s, depth, offsetMs, offset: offsetMs / total, width: Math.max(s.durationMs / total, 0.002) });
    for (const c of children.get(s.id) ?? []) visit(c, depth + 1);
  };
  // Roots, and spans whose parent has not arrived (yet), start at depth 0.
  for (const r of children.get(undefined) ?? []) visit(r, 0);
  return rows;
}
