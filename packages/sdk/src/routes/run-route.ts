// What every framework adapter does around a handler: get the route's dependencies (joining the
// mesh on first use), make the request the "current call" so the proxies the handler calls send
// the allowed incoming headers (MCP_MESH_PROPAGATE_HEADERS) and its trace id on, and turn a
// dependency failure into an HTTP status with a JSON reason.
import { ErrorCodes, isMeshError, matchesHeaderRule } from "@mcp-mesh/protocol";
import { type InboundCall, runInCall } from "../call-context.js";
import { newContext } from "../tool-context.js";
import type { DependencyMap, InjectedDependencies } from "../types.js";
import type { RouteSlots } from "./api-agent.js";

/** Incoming headers as node:http, Fastify and Express give them (lower-case names). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** The answer a route gives when a dependency fails: `status` and a JSON body with the reason. */
export interface RouteError {
  status: number;
  body: { error: string; code: string };
}

/** Decides the HTTP answer for an error a handler threw; return undefined for the default. */
export type OnRouteError = (err: unknown, fallback: RouteError) => RouteError | undefined;

export async function runRoute<D extends DependencyMap, T>(
  slots: RouteSlots<D>,
  headers: IncomingHeaders,
  fn: (deps: InjectedDependencies<D>) => T | Promise<T>,
): Promise<T> {
  const deps = await slots.deps();
  const allow = slots.api.propagateHeaders;
  const propagated: Record<string, string> = {};
  if (allow.length > 0)
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || !matchesHeaderRule(name, allow)) continue;
      propagated[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
  const ctx = newContext(first(headers["x-trace-id"]), first(headers["x-parent-span"]), propagated);
  // A route is not an MCP call: nothing to answer through, no caller stream.
  const call: InboundCall = { id: 0, answer: () => undefined, stream: undefined, ctx };
  return runInCall(call, () => fn(deps));
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

// A dependency that cannot answer is the mesh's problem, not the user's request: 503 (504 when
// it ran out of time). Anything else a handler throws is a bug: 500 without its message, which
// may hold internals (the log has it).
const UNAVAILABLE: readonly string[] = [
  ErrorCodes.DEPENDENCY_UNAVAILABLE,
  ErrorCodes.UNREACHABLE,
  ErrorCodes.REMOTE_TOOL_ERROR,
  ErrorCodes.OUTPUT_MISMATCH,
  ErrorCodes.AGENT_STATE,
];

export function routeError(err: unknown): RouteError {
  if (isMeshError(err) && err.code === ErrorCodes.TIMEOUT)
    return { status: 504, body: { error: publicReason(err.message), code: err.code } };
  if (isMeshError(err) && UNAVAILABLE.includes(err.code))
    return { status: 503, body: { error: publicReason(err.message), code: err.code } };
  return { status: 500, body: { error: "internal error", code: ErrorCodes.INTERNAL } };
}

/** The reason without the providers' addresses: the mesh's topology is not the browser's business. */
function publicReason(message: string): string {
  return message
    .replace(/\bhttps?:\/\/[A-Za-z0-9.\-[\]]+(?::\d+)?(?:\/[^\s,;)]*)?/g, "<provider>")
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, "<provider>")
    .slice(0, 500);
}

/** The default answer, unless the route's `onError` picks another. */
export function answerFor(err: unknown, onError: OnRouteError | undefined): RouteError {
  const fallback = routeError(err);
  return onError?.(err, fallback) ?? fallback;
}
