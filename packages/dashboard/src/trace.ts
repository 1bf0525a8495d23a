// A trace as rows of a waterfall: spans ordered parent before child, each with its depth and its
// offset and width as fractions of the whole trace. Provisional: built against the reference
// registry's GET /trace/{id} field names (operation, agent_name, parent_span, start_time,
// duration_ms, success) until our registry's trace shape lands in registry-views.ts; field
// aliases from the Redis span record (function_name, parent_span_id) are accepted too.
// Outbound-call wrapper spans are hidden and their children re-parented, as meshctl trace does.

export interface RawSpan {
  span_id: string;
  parent_span?: string | null;
  parent_span_id?: string | null;
  operation?: string;
  function_name?: string;
  agent_name?: string;
  agent_id?: string;
  start_time?: number | string;
  duration_ms?: number | string;
  success?: boolean | string;
  error?: string | null;
}

export interface WaterfallRow {
  id: string;
  name: string;
  agent: string;
  depth: number;
  startMs: number;
  durationMs: number;
  offset: number;
  width: number;
  ok: boolean;
}

const INTERNAL = "proxy_call_wrapper";
const isRoot = (p: string | null | undefined) => !p || p === "null" || p === "None";

/** Seconds (the Redis record), milliseconds, or an RFC 3339 string, to milliseconds. */
function startMs(v: number | string | undefined): number {
  if (v === undefined) return 0;
  const n = typeof v === "number" ? v : Number(v);
  if (Number.isFinite(n)) return n < 1e11 ? n * 1000 : n;
  const t = Date.parse(String(v));
  return Number.isFinite(t) ? t : 0;
}

export function waterfall(spans: RawSpan[], showInternal = false): WaterfallRow[] {
  const byId = new Map(spans.map((s) => [s.span_id, s]));
  const parentOf = (s: RawSpan): string | undefined => {
    let p = s.parent_span ?? s.parent_span_id;
    // Hidden spans pass their children up to the nearest shown ancestor.
    for (let hops = 0; !isRoot(p) && hops < 1000; hops++) {
      const ps = byId.get(p as string);
      if (!ps) return undefined;
      if (showInternal || (ps.operation ?? ps.function_name) !== INTERNAL) return ps.span_id;
      p = ps.parent_span ?? ps.parent_span_id;
    }
    return undefined;
  };
  const shown = spans.filter((s) => showInternal || (s.operation ?? s.function_name) !== INTERNAL);
  const children = new Map<string | undefined, RawSpan[]>();
  for (const s of shown) {
    const p = parentOf(s);
    children.set(p, [...(children.get(p) ?? []), s]);
  }
  for (const list of children.values()) list.sort((a, b) => startMs(a.start_time) - startMs(b.start_time));
  const t0 = Math.min(...shown.map((s) => startMs(s.start_time)));
  const t1 = Math.max(...shown.map((s) => startMs(s.start_time) + Number(s.duration_ms ?? 0)));
  const total = Math.max(t1 - t0, 1e-6);
  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  const visit = (s: RawSpan, depth: number) => {
    if (seen.has(s.span_id)) return;
    seen.add(s.span_id);
    const start = startMs(s.start_time) - t0;
    const dur = Number(s.duration_ms ?? 0);
    rows.push({
      id: s.span_id,
      name: s.operation ?? s.function_name ?? "?",
      agent: s.agent_name ?? s.agent_id ?? "",
      depth,
      startMs: start,
      durationMs: dur,
      offset: start / total,
      width: Math.max(dur / total, 0.002),
      ok: !(s.success === false || s.success === "false" || s.success === "False"),
    });
    for (const c of children.get(s.span_id) ?? []) visit(c, depth + 1);
  };
  for (const r of children.get(undefined) ?? []) visit(r, 0);
  return rows;
}
