// GET /agents (with the reference's filters) and GET /agents/{id} (ours).

import { rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import { agentInfo, matchesFilter } from "../agents-view.js";
import type { RegistryCore } from "../core.js";
import { makeEnv } from "../resolve/agent.js";
import { sendError } from "./errors.js";

type Query = { status?: string; namespace?: string; type?: string; capabilities?: string | string[]; fuzzy?: string };

export function agentRoutes(app: FastifyInstance, core: RegistryCore): void {
  app.get<{ Querystring: Query }>("/agents", async (req) => {
    const q = req.query;
    const caps = q.capabilities === undefined ? [] : Array.isArray(q.capabilities) ? q.capabilities : [q.capabilities];
    const filter = {
      status: q.status,
      namespace: q.namespace,
      type: q.type,
      capabilities: caps,
      fuzzy: q.fuzzy === "true",
    };
    const env = makeEnv(core.topo, () => undefined);
    const agents = [];
    for (const a of core.topo.agents.values()) if (matchesFilter(a, filter)) agents.push(agentInfo(a, core, env));
    // `null`, not [], when empty: the reference does this and its clients cope with it.
    return { agents: agents.length ? agents : null, count: agents.length, timestamp: rfc3339(Date.now()) };
  });

  app.get<{ Params: { id: string } }>("/agents/:id", async (req, reply) => {
    const a = core.topo.get(req.params.id);
    if (!a) return sendError(reply, 404, `agent '${req.params.id}' not found`);
    const info = agentInfo(
      a,
      core,
      makeEnv(core.topo, () => undefined),
    );
    const resolution = core.resolutionOf(a.agent_id);
    return { ...info, resolution: resolution ?? null };
  });
}
