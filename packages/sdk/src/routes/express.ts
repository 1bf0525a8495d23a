// @mcp-mesh/sdk/express: a handler wrapper that hands an Express route its mesh dependencies.
//   app.post("/chat", meshRoute({ avatar: "avatar_chat" }, async (req, res, { avatar }) => ...))
import type { NextFunction, Request, Response } from "express";
import type { DependencyMap, InjectedDependencies } from "../types.js";
import { type MeshApi, meshApi } from "./api-agent.js";
import { answerFor, type OnRouteError, runRoute } from "./run-route.js";

export interface RouteOptions {
  /** The web app the route belongs to (default: the process's, see meshApi()). */
  api?: MeshApi;
  /** Name the route registers under (default route_<n>); shown in the registry. */
  name?: string;
  /** Picks the HTTP answer for an error (default: 503/504 with `{error, code}`, else 500). */
  onError?: OnRouteError;
}

export type MeshRouteHandler<D extends DependencyMap, Req = Request, Res = Response> = (
  req: Req,
  res: Res,
  deps: InjectedDependencies<D>,
) => unknown;

/** An Express handler whose third argument is the route's dependencies, by name. */
export function meshRoute<const D extends DependencyMap>(
  dependencies: D,
  handler: MeshRouteHandler<D>,
  options: RouteOptions = {},
): (req: Request, res: Response, next: NextFunction) => Promise<void> {
  const api = options.api ?? meshApi();
  const slots = api.declare(dependencies, options.name);
  return async (req, res, next) => {
    try {
      await runRoute(slots, req.headers, (deps) => handler(req, res, deps));
    } catch (err) {
      if (res.headersSent) return next(err);
      const answer = answerFor(err, options.onError);
      if (answer.status >= 500 && answer.status !== 503 && answer.status !== 504)
        api.logger?.error({ err, path: req.path }, "route failed");
      res.status(answer.status).json(answer.body);
    }
  };
}

export { type ApiOptions, MeshApi, meshApi } from "./api-agent.js";
export type { OnRouteError, RouteError } from "./run-route.js";
export { SSE_HEADERS, sseStream } from "./sse.js";
