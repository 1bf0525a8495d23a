// POST /heartbeat (registration and full heartbeat), HEAD /heartbeat/{id} (fast heartbeat),
// DELETE /agents/{id} (graceful unregister).
import { isMeshError } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { Ownership } from "../auth/ownership.js";
import type { RegistryCore } from "../core.js";
import { httpStatusOf } from "./errors.js";

const FAST_STATUS = { current: 200, changed: 202, gone: 410 } as const;

/** agent_id and provided capabilities of a registration body, read before it is validated. */
function claims(body: unknown): { id?: string; capabilities: string[] } {
  const b = (body ?? {}) as { agent_id?: unknown; tools?: unknown };
  const tools = Array.isArray(b.tools) ? b.tools : [];
  const capabilities = tools
    .map((t) => (t as { capability?: unknown } | null)?.capability)
    .filter((c): c is string => typeof c === "string" && c !== "");
  return { ...(typeof b.agent_id === "string" ? { id: b.agent_id } : {}), capabilities };
}

export function heartbeatRoutes(app: FastifyInstance, core: RegistryCore, ownership: Ownership): void {
  const { metrics } = core;
  app.post("/heartbeat", async (req, reply) => {
    try {
      const { id, capabilities } = claims(req.body);
      if (id) ownership.check(req.credential, id);
      ownership.checkScopes(req.credential, capabilities);
      const release = id ? ownership.reserve(req.credential, id) : () => {};
      let answer: Awaited<ReturnType<RegistryCore["fullHeartbeat"]>>;
      try {
        answer = await core.fullHeartbeat(req.body, req.clientCertificate);
        if (id && answer.outcome !== "refused") await ownership.claim(req.credential, id);
      } finally {
        release();
      }
      metrics.heartbeats.inc({ kind: "full", code: 200 });
      return reply.code(200).send(answer.body);
    } catch (e) {
      metrics.heartbeats.inc({ kind: "full", code: isMeshError(e) ? httpStatusOf(e.code) : 500 });
      throw e;
    }
  });

  app.head<{ Params: { id: string } }>("/heartbeat/:id", async (req, reply) => {
    ownership.check(req.credential, req.params.id);
    const code = FAST_STATUS[core.fastHeartbeat(req.params.id)];
    metrics.heartbeats.inc({ kind: "head", code });
    return reply.code(code).send();
  });

  app.delete<{ Params: { id: string } }>("/agents/:id", async (req, reply) => {
    ownership.check(req.credential, req.params.id);
    await core.unregister(req.params.id);
    return reply.code(204).send();
  });
}
