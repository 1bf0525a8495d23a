// Trace and span ids and the W3C traceparent header (https://www.w3.org/TR/trace-context/).
// Ids are not secrets, so no crypto: this runs on every call.

/** A 16-hex span id. */
export function newSpanId(): string {
  return hex8() + hex8();
}

function hex8(): string {
  return ((Math.random() * 0x100000000) >>> 0).toString(16).padStart(8, "0");
}

/** `00-<trace 32 hex>-<span 16 hex>-01` (sampled). */
export function formatTraceparent(traceId: string, spanId: string): string {
  return `00-${traceId}-${spanId}-01`;
}

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** The trace and parent span of a traceparent value; undefined for anything malformed or all-zero. */
export function parseTraceparent(value: unknown): { traceId: string; spanId: string } | undefined {
  if (typeof value !== "string") return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m?.[1] || !m[2] || /^0+$/.test(m[1]) || /^0+$/.test(m[2])) return undefined;
  return { traceId: m[1], spanId: m[2] };
}

// W3C tracestate: `key=value` list members, comma-separated. Forwarded as received when it is
// well formed and within the limits the spec asks propagators to keep (32 members, 512 chars);
// anything else is dropped rather than trimmed, since a half-kept vendor entry misleads.
const TRACESTATE_MEMBER =
  /^[a-z0-9][a-z0-9_\-*/@]{0,255}=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/** The tracestate value to forward, or undefined for anything missing, malformed or too long. */
export function parseTracestate(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 512) return undefined;
  const members = value
    .split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "");
  if (members.length === 0 || members.length > 32) return undefined;
  return members.every((m) => TRACESTATE_MEMBER.test(m)) ? members.join(",") : undefined;
}
