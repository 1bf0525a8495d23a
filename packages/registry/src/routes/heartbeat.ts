// POST /heartbeat (registration and full heartbeat), HEAD /heartbeat/{id} (fast heartbeat),
// DELETE /agents/{id} (graceful unregister).
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { sendError } from "./errors.js";

export function heartbeatRoutes(app: FastifyInstance, core: RegistryCore): void {
  const { metrics } = core.opts;
  app.post("/heartbeat", async (req, reply) => {
    const answer = await core.fullHeartbeat(req.body);
    metrics.heartbeats.inc({ kind: "full", code: answer.code });
    if (answer.code === 400) return sendError(reply, 400, answer.error);
    return reply.code(200).send(answer.body);
  });

  app.head<{ Params: { id: string } }>("/heartbeat/:id", async (req, reply) => {
    const code = core.fastHeartbeat(req.params.id);
    metrics.heartbeats.inc({ kind: "head", code });
    return reply.code(code).send();
  });

  app.delete<{ Params: { id: string } }>("/agents/:id", async (req, reply) => {
    await core.unregister(req.params.id);
    return reply.code(204).send();
  });
}
