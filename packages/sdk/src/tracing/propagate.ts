// What an outbound call carries to say its trace, in every peer's dialect at once (LLM-WIRE.md
// §4.1): the reference's X-Trace-ID / X-Parent-Span headers and _trace_id / _parent_span
// arguments, and W3C traceparent + tracestate as HTTP headers and in params._meta (MCP SEP-414).
import { formatTraceparent } from "./ids.js";

export interface OutboundTrace {
  args: { _trace_id: string; _parent_span: string };
  headers: Record<string, string>;
  meta: Record<string, string>;
}

export function outboundTrace(traceId: string, spanId: string, traceState: string | undefined): OutboundTrace {
  const w3c: Record<string, string> = { traceparent: formatTraceparent(traceId, spanId) };
  if (traceState) w3c.tracestate = traceState;
  return {
    args: { _trace_id: traceId, _parent_span: spanId },
    headers: { "x-trace-id": traceId, "x-parent-span": spanId, ...w3c },
    meta: w3c,
  };
}
