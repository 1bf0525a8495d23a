// @mcp-mesh/sdk/fastify: a handler wrapper that hands a Fastify route its mesh dependencies.
//   app.post("/chat", meshRoute({ avatar: "avatar_chat" }, async (req, reply, { avatar }) => ...))
// A dependency failure answers 503/504 with `{error, code}` (or what `onError` picks).
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DependencyMap, InjectedDependencies } from "../types.js";
import { type MeshApi, meshApi } from "./api-agent.js";
import { answerFor, type OnRouteError, runRoute } from "./run-route.js";
import { sseStream as sseToNode } from "./sse.js";

export interface RouteOptions {
  api?: MeshApi;
  name?: string;
  onError?: OnRouteError;
}

export type MeshRouteHandler<D extends DependencyMap> = (
  req: FastifyRequest,
  reply: FastifyReply,
  deps: InjectedDependencies<D>,
) => unknown;

export function meshRoute<const D extends DependencyMap>(
  dependencies: D,
  handler: MeshRouteHandler<D>,
  options: RouteOptions = {},
): (req: FastifyRequest, reply: FastifyReply) => Promise<unknown> {
  const api = options.api ?? meshApi();
  const slots = api.declare(dependencies, options.name);
  return async (req, reply) => {
    try {
      return await runRoute(slots, req.headers, (deps) => handler(req, reply, deps));
    } catch (err) {
      if (reply.sent) return undefined;
      const answer = answerFor(err, options.onError);
      if (answer.status >= 500 && answer.status !== 503 && answer.status !== 504)
        api.logger?.error({ err, url: req.url }, "route failed");
      return reply.code(answer.status).send(answer.body);
    }
  };
}

/** Streams `iterable` as server-sent events; the reply is taken over from Fastify. */
export async function sseStream(reply: FastifyReply, iterable: AsyncIterable<string>): Promise<void> {
  reply.hijack();
  await sseToNode(reply.raw, iterable);
}

export { type ApiOptions, MeshApi, meshApi } from "./api-agent.js";
export type { OnRouteError, RouteError } from "./run-route.js";
export { SSE_HEADERS } from "./sse.js";
