// The ToolContext a mesh handler receives: built from the inbound request (trace ids, reserved
// arguments, propagated headers), then completed with the caller's log/progress channel and the
// call's abort signal from the official server.
import { randomUUID } from "node:crypto";
import { matchesHeaderRule } from "@mcp-mesh/protocol";
import { isObject, type Json } from "./jsonrpc.js";
import { parseTraceparent, parseTracestate } from "./tracing/ids.js";
import type { LogLevel, ToolContext } from "./types.js";

/** Keys callers add to `arguments` for tracing (PROTOCOL.md §6.1); never reach user code. */
const RESERVED_ARGS = ["_trace_id", "_parent_span", "_mesh_headers"] as const;

/** Most `_mesh_headers` entries taken from one call (the rest are dropped; docs/sdk.md, "Limits"). */
export const MAX_MESH_HEADERS = 64;
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 8 * 1024;

export type Headers = Record<string, string | string[] | undefined>;

/** tools/call params without the reserved arguments, and the context they and the headers carry. */
export function stripReserved(params: Json, headers: Headers, allow: string[]) {
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  // Arguments that are not an object are left for the server's validation to refuse.
  if (params.arguments !== undefined && !isObject(params.arguments))
    return { params, ctx: newContext(h("x-trace-id"), undefined, {}) };
  const args = isObject(params.arguments) ? { ...params.arguments } : {};
  const traceArg = args._trace_id;
  const spanArg = args._parent_span;
  const meshHeaders = isObject(args._mesh_headers) ? args._mesh_headers : {};
  for (const k of RESERVED_ARGS) delete args[k];
  const propagated: Record<string, string> = {};
  // Allow-listed HTTP headers first; `_mesh_headers` (what TS callers also send) wins.
  if (allow.length > 0)
    for (const [k, v] of Object.entries(headers))
      if (typeof v === "string" && matchesHeaderRule(k, allow)) propagated[k] = v;
  let taken = 0;
  for (const [k, v] of Object.entries(meshHeaders)) {
    // Bounded: these are forwarded on every dependency call the handler makes.
    if (taken >= MAX_MESH_HEADERS) break;
    if (typeof v !== "string" || k.length > MAX_HEADER_NAME || v.length > MAX_HEADER_VALUE) continue;
    propagated[k.toLowerCase()] = v;
    taken++;
  }
  // Any of the peers' ways to say the trace (LLM-WIRE.md §4.2): the reference's headers and
  // arguments first, then W3C traceparent as an HTTP header or in params._meta (MCP SEP-414).
  // A tracestate counts only next to a valid traceparent from the same place (W3C: a tracestate
  // without a parsable traceparent is ignored).
  const meta = isObject(params._meta) ? params._meta : {};
  const fromHeader = parseTraceparent(h("traceparent"));
  const fromMeta = fromHeader ? undefined : parseTraceparent(meta.traceparent);
  const w3c = fromHeader ?? fromMeta;
  const ctx = newContext(
    h("x-trace-id") ?? (typeof traceArg === "string" ? traceArg : undefined) ?? w3c?.traceId,
    h("x-parent-span") ?? h("x-parent-span-id") ?? (typeof spanArg === "string" ? spanArg : undefined) ?? w3c?.spanId,
    propagated,
  );
  const traceState = fromHeader
    ? parseTracestate(h("tracestate"))
    : fromMeta
      ? parseTracestate(meta.tracestate)
      : undefined;
  // Only when it belongs to the trace this call continues.
  if (traceState && w3c?.traceId === ctx.traceId) ctx.traceState = traceState;
  return { params: { ...params, arguments: args }, ctx };
}

export function newContext(
  traceId: string | undefined,
  parentSpan: string | undefined,
  headers: Record<string, string>,
): ToolContext {
  return {
    traceId: traceId && /^[0-9a-f]{32}$/i.test(traceId) ? traceId.toLowerCase() : randomUUID().replaceAll("-", ""),
    parentSpan,
    headers,
    signal: undefined,
    log: noCaller,
    progress: noCaller,
  } satisfies ToolContext;
}

/** The part of the official SDK's handler context a mesh tool's ctx is built from. */
export interface SdkContext {
  mcpReq: {
    id: unknown;
    signal?: AbortSignal;
    _meta?: { progressToken?: string | number };
    log(level: LogLevel, data: unknown, logger?: string): Promise<void>;
    notify(notification: { method: string; params: Json }): Promise<void>;
  };
}

/** The call's context with log and progress going to this call's caller. */
export function withCaller(base: ToolContext, sdkCtx: SdkContext): ToolContext {
  const req = sdkCtx.mcpReq;
  return {
    ...base,
    signal: req.signal ?? base.signal,
    log: (level, data, logger) => req.log(level, data, logger),
    progress: async (progress, total, message) => {
      const progressToken = req._meta?.progressToken;
      if (progressToken === undefined) return;
      await req.notify({
        method: "notifications/progress",
        params: {
          progressToken,
          progress,
          ...(total !== undefined && { total }),
          ...(message !== undefined && { message }),
        },
      });
    },
  };
}

/** log/progress where no caller can receive them (in-process calls). */
async function noCaller(): Promise<void> {}
