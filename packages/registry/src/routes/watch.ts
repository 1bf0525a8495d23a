// GET /watch/{agent_id}: server-sent events. The first event is the agent's current resolution;
// then one `resolution` event each time it changes, and a keep-alive comment so both ends
// notice a dead connection.
//
// When the stream of a healthy agent closes (its process died: the kernel closes the socket)
// and the agent neither reconnects nor heartbeats within the grace period, it is marked
// unhealthy at once rather than after the heartbeat timeout (20-30 s). A live agent whose
// stream merely dropped reconnects well inside the grace period.

import { ErrorCodes, MeshError, type ResolutionUpdate, rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { Ownership } from "../auth/ownership.js";
import type { RegistryCore } from "../core.js";

export interface WatchOptions {
  keepaliveMs: number;
  graceMs: number;
  /** True while the registry shuts down, so closing every stream does not mark every agent. */
  isClosing: () => boolean;
}

export function watchRoutes(app: FastifyInstance, core: RegistryCore, ownership: Ownership, opts: WatchOptions): void {
  app.get<{ Params: { id: string } }>("/watch/:id", async (req, reply) => {
    const id = req.params.id;
    // Someone else's stream would suppress that agent's 202s and, when closed, mark it unhealthy.
    ownership.check(req.credential, id);
    const agent = core.agent(id);
    if (!agent) throw new MeshError(ErrorCodes.NOT_FOUND, `agent '${id}' is not registered; POST /heartbeat first`);
    if (agent.status !== "healthy")
      throw new MeshError(ErrorCodes.AGENT_GONE, `agent '${id}' is unhealthy; POST /heartbeat to re-register`);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let seq = 0;
    const send = (u: ResolutionUpdate) => res.write(`event: resolution\nid: ${++seq}\ndata: ${JSON.stringify(u)}\n\n`);
    const unsubscribe = core.watchAgent(id, send);
    const keepalive = setInterval(() => res.write(`: keepalive ${rfc3339(Date.now())}\n\n`), opts.keepaliveMs);
    keepalive.unref();
    res.on("close", () => {
      clearInterval(keepalive);
      unsubscribe();
      if (opts.graceMs > 0 && !opts.isClosing()) scheduleSuspicion(core, id, opts.graceMs);
    });
  });
}

function scheduleSuspicion(core: RegistryCore, id: string, graceMs: number): void {
  const droppedAt = core.now();
  const timer = setTimeout(() => {
    // Checked again inside the change: a heartbeat or a new stream may arrive before it runs.
    const silent = (a: { updated_at: number }) => !core.isWatched(id) && a.updated_at <= droppedAt;
    const a = core.agent(id);
    if (!a || a.status !== "healthy" || !silent(a)) return;
    core.logger.info({ agent_id: id }, "watch stream lost and no heartbeat since: marking agent unhealthy");
    void core
      .markUnhealthy(
        [id],
        {
          type: "unhealthy",
          data: {
            reason: "watch_disconnected",
            old_status: "healthy",
            new_status: "unhealthy",
            detected_at: rfc3339(core.now()),
            source: "watch_stream",
            transition_type: "healthy_to_unhealthy",
            description: `Watch stream closed and no heartbeat within ${graceMs} ms`,
          },
        },
        silent,
      )
      .catch((e) => core.logger.error({ err: e }, "marking agent unhealthy failed"));
  }, graceMs);
  timer.unref();
}
