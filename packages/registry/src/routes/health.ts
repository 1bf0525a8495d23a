// GET / and GET|HEAD /health as the reference answers them; /livez and /ready are ours.

import { ErrorCodes, MESH_VERSION, rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { httpStatusOf } from "./errors.js";

const SERVICE = "mcp-mesh-registry";
// The reference hard-codes 1.0.0 here; clients only check the status, so we report our release
// (the one version meshctl and the agents report too).
const WIRE_VERSION = MESH_VERSION;

export function healthRoutes(app: FastifyInstance, core: RegistryCore, startedAt: number): void {
  const uptime = () => Math.floor((Date.now() - startedAt) / 1000);
  // A browser asking for / is sent to the dashboard; API clients get the reference's answer.
  app.get("/", async (req, reply) => {
    if (/text\/html/.test(req.headers.accept ?? "")) return reply.redirect("ui/", 302);
    return {
      endpoints: ["/health", "/heartbeat", "/agents"],
      service: SERVICE,
      status: "running",
      version: WIRE_VERSION,
    };
  });
  app.get("/health", async () => ({
    service: SERVICE,
    status: "healthy",
    timestamp: rfc3339(Date.now()),
    uptime_seconds: uptime(),
    version: WIRE_VERSION,
  }));
  app.head("/health", async (_req, reply) => {
    reply.headers({
      "content-type": "application/json",
      "x-health-status": "healthy",
      "x-service-version": WIRE_VERSION,
      "x-uptime-seconds": String(uptime()),
    });
    return reply.code(200).send();
  });
  app.get("/livez", async () => ({ alive: true, service: SERVICE, timestamp: rfc3339(Date.now()) }));
  app.get("/ready", async (_req, reply) => {
    try {
      await core.ping();
      return {
        ready: true,
        store: core.storeKind,
        agents: core.agentCount,
        // Replicas on one database: the one that runs the health scan and the sweep.
        leader: core.replicas.leader,
        timestamp: rfc3339(Date.now()),
      };
    } catch (e) {
      // Readiness keeps its own body shape (probes read `ready`); the status comes from the table.
      return reply
        .code(httpStatusOf(ErrorCodes.STORE_UNAVAILABLE))
        .send({ ready: false, reason: `store unavailable: ${(e as Error).message}`, timestamp: rfc3339(Date.now()) });
    }
  });
}
