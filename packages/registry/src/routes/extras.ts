// Smaller reference endpoints: /schemas, /a2a/agents, /trace/* while tracing is off (answered
// exactly like a reference registry with tracing disabled), and GET /metrics.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { httpStatusOf } from "./errors.js";
import { type RawQuery, singleValue } from "./query.js";

export function extraRoutes(app: FastifyInstance, core: RegistryCore, tracing = false): void {
  app.get<{ Querystring: RawQuery }>("/schemas", async (req) => {
    const n = Number.parseInt(singleValue(req.query, "limit") ?? "", 10);
    const limit = Number.isFinite(n) ? Math.min(Math.max(n, 1), 1000) : 100;
    const rows = await core.listSchemas(limit);
    return {
      count: rows.length,
      schemas: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })),
    };
  });
  app.get<{ Params: { hash: string } }>("/schemas/:hash", async (req) => {
    const row = await core.getSchema(req.params.hash);
    if (!row) throw new MeshError(ErrorCodes.NOT_FOUND, "schema not found");
    return { ...row, created_at: new Date(row.created_at).toISOString() };
  });
  app.get("/a2a/agents", async () => {
    const surfaces = [];
    for (const s of core.surfaces())
      surfaces.push({ path: s.path, skill_id: s.skill_id, public_url: s.path, agent_card_url: "" });
    return { surfaces };
  });
  const disabled = { enabled: false, reason: "tracing not initialized" };
  app.get("/trace/stats", async () => disabled);
  app.get("/metrics", async (_req, reply) => {
    const { contentType, body } = await core.metricsText();
    return reply.type(contentType).send(body);
  });
  // With tracing on, ./traces.ts serves these.
  if (tracing) return;
  app.get("/trace/status", async () => disabled);
  app.get("/trace/info", async () => ({ ...disabled, config: "MCP_MESH_DISTRIBUTED_TRACING_ENABLED=false" }));
  // The reference's body for this one, with the status from the table.
  app.get("/trace/:id", async (_req, reply) =>
    reply.code(httpStatusOf(ErrorCodes.NOT_FOUND)).send({ enabled: false, error: "tracing not enabled" }),
  );
}
