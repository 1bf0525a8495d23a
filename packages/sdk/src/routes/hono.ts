// @mcp-mesh/sdk/hono: a handler wrapper that hands a Hono route its mesh dependencies.
//   app.post("/chat", meshRoute({ avatar: "avatar_chat" }, async (c, { avatar }) => c.json(...)))
// Or as middleware, the dependencies in `c.var.mesh`:
//   app.post("/chat", mesh({ avatar: "avatar_chat" }), async (c) => c.json(await c.var.mesh.avatar?.(...)))
// A dependency failure answers 503/504 with `{error, code}` (or what `onError` picks).
import type { Context, MiddlewareHandler } from "hono";
import type { DependencyMap, InjectedDependencies } from "../types.js";
import { type MeshApi, meshApi } from "./api-agent.js";
import { answerFor, type OnRouteError, runRoute } from "./run-route.js";
import { sseResponse } from "./sse.js";

export interface RouteOptions {
  api?: MeshApi;
  name?: string;
  onError?: OnRouteError;
}

export type MeshRouteHandler<D extends DependencyMap, C extends Context> = (
  c: C,
  deps: InjectedDependencies<D>,
) => Response | Promise<Response>;

export function meshRoute<const D extends DependencyMap, C extends Context = Context>(
  dependencies: D,
  handler: MeshRouteHandler<D, C>,
  options: RouteOptions = {},
): (c: C) => Promise<Response> {
  const api = options.api ?? meshApi();
  const slots = api.declare(dependencies, options.name);
  return async (c) => {
    try {
      return await runRoute(slots, headersOf(c), (deps) => handler(c, deps));
    } catch (err) {
      const answer = answerFor(err, options.onError);
      if (answer.status >= 500 && answer.status !== 503 && answer.status !== 504)
        api.logger?.error({ err, path: c.req.path }, "route failed");
      return c.json(answer.body, answer.status as 500);
    }
  };
}

/**
 * Middleware: the handlers after it find the dependencies in `c.var.mesh` (typed), run as this
 * request's mesh call (propagated headers), and their dependency failures answer 503/504.
 */
export function mesh<const D extends DependencyMap>(
  dependencies: D,
  options: RouteOptions = {},
): MiddlewareHandler<{ Variables: { mesh: InjectedDependencies<D> } }> {
  const api = options.api ?? meshApi();
  const slots = api.declare(dependencies, options.name);
  const fail = (c: Context, err: unknown) => {
    const answer = answerFor(err, options.onError);
    if (answer.status >= 500 && answer.status !== 503 && answer.status !== 504)
      api.logger?.error({ err, path: c.req.path }, "route failed");
    return c.json(answer.body, answer.status as 500);
  };
  return async (c, next) => {
    try {
      await runRoute(slots, headersOf(c), async (deps) => {
        c.set("mesh", deps);
        await next();
      });
    } catch (err) {
      return fail(c, err);
    }
    // Hono catches what a later handler throws and keeps it in c.error.
    if (c.error) {
      const err = c.error;
      c.error = undefined;
      c.res = undefined;
      c.res = fail(c, err);
    }
  };
}

function headersOf(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

/** `iterable` as a server-sent events Response; the client going away ends the iteration. */
export function sseStream(c: Context, iterable: AsyncIterable<string>): Response {
  return sseResponse(iterable, c.req.raw.signal);
}

export { type ApiOptions, MeshApi, meshApi } from "./api-agent.js";
export type { OnRouteError, RouteError } from "./run-route.js";
export { SSE_HEADERS, sseResponse } from "./sse.js";
