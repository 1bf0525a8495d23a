// Type tests: a route handler's dependencies are typed like a tool's, in each framework adapter.
import type { Request, Response } from "express";
import type { FastifyReply, FastifyRequest } from "fastify";
import { type Context, Hono } from "hono";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { McpMeshTool } from "../src/index.js";
import { MeshApi } from "../src/routes/api-agent.js";
import * as express from "../src/routes/express.js";
import * as fastify from "../src/routes/fastify.js";
import * as hono from "../src/routes/hono.js";

const api = new MeshApi({ name: "typed-web", autoRun: false });
const Reply = z.object({ text: z.string() });
const deps = {
  plain: "avatar_chat",
  needed: { capability: "b", required: true },
  typed: { capability: "c", required: true, output: Reply },
} as const;

describe("types of what a route handler receives", () => {
  it("express: req, res, then the dependencies by name", () => {
    express.meshRoute(
      deps,
      (req, res, d) => {
        expectTypeOf(req).toEqualTypeOf<Request>();
        expectTypeOf(res).toEqualTypeOf<Response>();
        expectTypeOf(d.plain).toEqualTypeOf<McpMeshTool | null>();
        expectTypeOf(d.needed).toEqualTypeOf<McpMeshTool>();
        expectTypeOf(d.typed).toEqualTypeOf<McpMeshTool<{ text: string }>>();
        // @ts-expect-error not declared
        void d.other;
      },
      { api },
    );
  });

  it("fastify: request, reply, then the dependencies", () => {
    fastify.meshRoute(
      deps,
      (req, reply, d) => {
        expectTypeOf(req).toEqualTypeOf<FastifyRequest>();
        expectTypeOf(reply).toEqualTypeOf<FastifyReply>();
        expectTypeOf(d.typed).toEqualTypeOf<McpMeshTool<{ text: string }>>();
        return null;
      },
      { api },
    );
  });

  it("hono: the context, then the dependencies", () => {
    hono.meshRoute(
      deps,
      (c, d) => {
        expectTypeOf(c).toEqualTypeOf<Context>();
        expectTypeOf(d.plain).toEqualTypeOf<McpMeshTool | null>();
        return c.json({ ok: true });
      },
      { api },
    );
  });

  it("hono middleware: the dependencies typed in c.var.mesh", () => {
    new Hono().get("/x", hono.mesh(deps, { api }), (c) => {
      expectTypeOf(c.var.mesh.needed).toEqualTypeOf<McpMeshTool>();
      expectTypeOf(c.var.mesh.plain).toEqualTypeOf<McpMeshTool | null>();
      expectTypeOf(c.var.mesh.typed).toEqualTypeOf<McpMeshTool<{ text: string }>>();
      return c.json({ ok: true });
    });
  });
});
