// A trace as a call tree for the terminal: one line per span (operation, agent, duration, status,
// LLM tokens), children indented under their parent. Internal spans (proxy_call_wrapper) are
// hidden unless asked, their children shown under the span that made the call.
import type { TraceSpanView, TraceView } from "@mcp-mesh/protocol";
import type { Colors } from "./output.js";

export function traceTree(trace: TraceView, all: boolean, c: Colors): string[] {
  const byId = new Map(trace.spans.map((s) => [s.span_id, s]));
  const shown = (s: TraceSpanView) => all || !s.internal;
  // The nearest shown ancestor (through hidden ones); null for a root or a missing parent.
  const parentOf = (s: TraceSpanView): string | null => {
    let p = s.parent_span ? byId.get(s.parent_span) : undefined;
    while (p && !shown(p)) p = p.parent_span ? byId.get(p.parent_span) : undefined;
    return p ? p.span_id : null;
  };
  const children = new Map<string | null, TraceSpanView[]>();
  for (const s of trace.spans.filter(shown)) {
    const p = parentOf(s);
    children.set(p, [...(children.get(p) ?? []), s]);
  }
  const lines: string[] = [];
  const walk = (s: TraceSpanView, prefix: string, last: boolean, depth: number) => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    lines.push(`${prefix}${branch}${spanLine(s, c)}`);
    const kids = children.get(s.span_id) ?? [];
    const next = depth === 0 ? "" : `${prefix}${last ? "   " : "│  "}`;
    for (const [i, k] of kids.entries()) walk(k, next, i === kids.length - 1, depth + 1);
  };
  for (const root of children.get(null) ?? []) walk(root, "", true, 0);
  return lines;
}

function spanLine(s: TraceSpanView, c: Colors): string {
  const status = s.success ? c.green("ok") : c.red(`failed${s.error ? `: ${s.error}` : ""}`);
  const tokens =
    s.llm_total_tokens !== undefined
      ? `  tokens ${s.llm_input_tokens ?? 0} in / ${s.llm_output_tokens ?? 0} out${s.llm_model ? ` (${s.llm_model})` : ""}`
      : s.llm_iteration !== undefined
        ? `  iteration ${s.llm_iteration}, tokens ${s.iteration_input_tokens ?? 0} in / ${s.iteration_output_tokens ?? 0} out`
        : "";
  return `${s.operation} ${c.dim(`[${s.agent_name ?? "?"}]`)} ${s.duration_ms.toFixed(1)} ms ${status}${tokens}`;
}
