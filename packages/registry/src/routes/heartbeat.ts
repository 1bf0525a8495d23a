// POST /heartbeat (registration and full heartbeat), HEAD /heartbeat/{id} (fast heartbeat),
// DELETE /agents/{id} (graceful unregister).
import { isMeshError } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { httpStatusOf } from "./errors.js";

const FAST_STATUS = { current: 200, changed: 202, gone: 410 } as const;

export function heartbeatRoutes(app: FastifyInstance, core: RegistryCore): void {
  const { metrics } = core;
  app.post("/heartbeat", async (req, reply) => {
    try {
      const answer = await core.fullHeartbeat(req.body);
      metrics.heartbeats.inc({ kind: "full", code: 200 });
      return reply.code(200).send(answer.body);
    } catch (e) {
      metrics.heartbeats.inc({ kind: "full", code: isMeshError(e) ? httpStatusOf(e.code) : 500 });
      throw e;
    }
  });

  app.head<{ Params: { id: string } }>("/heartbeat/:id", async (req, reply) => {
    const code = FAST_STATUS[core.fastHeartbeat(req.params.id)];
    metrics.heartbeats.inc({ kind: "head", code });
    return reply.code(code).send();
  });

  app.delete<{ Params: { id: string } }>("/agents/:id", async (req, reply) => {
    await core.unregister(req.params.id);
    return reply.code(204).send();
  });
}
