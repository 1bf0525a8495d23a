// GET /events: lifecycle events and the resolution audit, newest first (PROTOCOL.md §1.8).

import { rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { EVENT_TYPES, type EventType } from "../model.js";

type Query = { type?: string; agent_id?: string; function_name?: string; limit?: string };

export function eventRoutes(app: FastifyInstance, core: RegistryCore): void {
  app.get<{ Querystring: Query }>("/events", async (req) => {
    const q = req.query;
    // An unknown type matches nothing, like the reference (200 with an empty list).
    if (q.type && !(EVENT_TYPES as readonly string[]).includes(q.type)) return { count: 0, events: [] };
    const n = Number.parseInt(q.limit ?? "", 10);
    const limit = Number.isFinite(n) ? Math.min(Math.max(n, 1), 500) : 50;
    const rows = await core.opts.store.queryEvents({
      type: q.type as EventType | undefined,
      agent_id: q.agent_id || undefined,
      function_name: q.function_name || undefined,
      limit,
    });
    const events = rows.map((e) => {
      const out: Record<string, unknown> = {
        event_type: e.event_type,
        agent_id: e.agent_id,
        timestamp: rfc3339(e.timestamp),
      };
      if (e.agent_name) out.agent_name = e.agent_name;
      if (e.function_name) out.function_name = e.function_name;
      if (e.data) out.data = e.data;
      return out;
    });
    return { count: events.length, events };
  });
}
