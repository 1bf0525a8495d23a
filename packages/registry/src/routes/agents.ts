// GET /agents (with the reference's filters) and GET /agents/{id} (ours).
//
// A listing is serialised agent by agent into a stream, so its size never sits in memory at
// once, however many clients ask together. `?limit=N` (opt-in; the reference meshctl asks for
// the whole list) pages through agents in id order; `next` is the `after=` of the next page.

import { Readable } from "node:stream";
import { type AgentListResponse, ErrorCodes, MeshError, rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import { type AgentFilter, matchesFilter } from "../agents-view.js";
import type { RegistryCore } from "../core.js";
import type { AgentRecord } from "../model.js";
import { filterValues, type RawQuery, singleValue } from "./query.js";

export const MAX_PAGE = 1000;
/** Bytes gathered before a chunk goes to the socket: fewer, larger writes. */
const CHUNK = 64 * 1024;

export function agentRoutes(app: FastifyInstance, core: RegistryCore): void {
  app.get<{ Querystring: RawQuery }>("/agents", async (req, reply) => {
    const q = req.query;
    const filter: AgentFilter = {
      status: filterValues(q, "status"),
      namespace: filterValues(q, "namespace"),
      type: filterValues(q, "type"),
      capabilities: filterValues(q, "capabilities"),
      fuzzy: singleValue(q, "fuzzy") === "true",
    };
    const page = pageOf(q);
    // A snapshot of the records: agents that re-register mid-stream are listed once.
    let agents = core.agents().filter((a) => matchesFilter(a, filter));
    let next: string | undefined;
    if (page) {
      agents = agents
        .filter((a) => page.after === undefined || a.agent_id > page.after)
        .sort((a, b) => (a.agent_id < b.agent_id ? -1 : 1));
      if (agents.length > page.limit) {
        agents = agents.slice(0, page.limit);
        next = agents[agents.length - 1]?.agent_id;
      }
    }
    const tail: Omit<AgentListResponse, "agents"> = { count: agents.length, timestamp: rfc3339(Date.now()) };
    if (next !== undefined) tail.next = next;
    reply.type("application/json; charset=utf-8");
    return reply.send(Readable.from(listing(core, agents, tail), { objectMode: false }));
  });

  app.get<{ Params: { id: string } }>("/agents/:id", async (req) => {
    const a = core.agent(req.params.id);
    if (!a) throw new MeshError(ErrorCodes.NOT_FOUND, `agent '${req.params.id}' not found`);
    const info = core.viewer()(a);
    return { ...info, resolution: core.resolutionOf(a.agent_id) ?? null };
  });
}

function pageOf(q: RawQuery): { limit: number; after: string | undefined } | null {
  const limit = singleValue(q, "limit");
  const after = singleValue(q, "after");
  if (limit === undefined) {
    if (after !== undefined) throw new MeshError(ErrorCodes.BAD_REQUEST, "query parameter 'after' needs 'limit'");
    return null;
  }
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) {
    throw new MeshError(ErrorCodes.BAD_REQUEST, `query parameter 'limit' must be an integer 1-${MAX_PAGE}`);
  }
  return { limit: n, after };
}

/** `{"agents":[...],"count":N,...}`, one agent rendered at a time (`null`, not [], when empty: the reference does this). */
async function* listing(
  core: RegistryCore,
  agents: readonly AgentRecord[],
  tail: Omit<AgentListResponse, "agents">,
): AsyncGenerator<string> {
  if (!agents.length) {
    yield JSON.stringify({ agents: null, ...tail });
    return;
  }
  const view = core.viewer();
  let buf = '{"agents":[';
  for (let i = 0; i < agents.length; i++) {
    buf += (i ? "," : "") + JSON.stringify(view(agents[i] as AgentRecord));
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  yield `${buf}],${JSON.stringify(tail).slice(1)}`;
}
