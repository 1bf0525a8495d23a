// GET /events: lifecycle events and the resolution audit, newest first (PROTOCOL.md §1.8).
// Every filter may be repeated (`?agent_id=a&agent_id=b`): an event matches any of the values.

import { EVENT_TYPES, type EventInfo, type EventListResponse, type EventType, rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { RegistryCore } from "../core.js";
import { filterValues, type RawQuery, singleValue } from "./query.js";

export function eventRoutes(app: FastifyInstance, core: RegistryCore): void {
  app.get<{ Querystring: RawQuery }>("/events", async (req): Promise<EventListResponse> => {
    const q = req.query;
    const asked = filterValues(q, "type");
    const types = asked.filter((t): t is EventType => (EVENT_TYPES as readonly string[]).includes(t));
    // An unknown type matches nothing, like the reference (200 with an empty list).
    if (asked.length && !types.length) return { count: 0, events: [] };
    const n = Number.parseInt(singleValue(q, "limit") ?? "", 10);
    const limit = Number.isFinite(n) ? Math.min(Math.max(n, 1), 500) : 50;
    const rows = await core.queryEvents({
      types,
      agent_ids: filterValues(q, "agent_id"),
      function_names: filterValues(q, "function_name"),
      limit,
    });
    const events = rows.map((e) => {
      const out: EventInfo = {
        event_type: e.event_type,
        agent_id: e.agent_id,
        timestamp: rfc3339(e.timestamp),
      };
      if (e.agent_name) out.agent_name = e.agent_name;
      if (e.function_name) out.function_name = e.function_name;
      if (e.data) out.data = e.data as EventInfo["data"];
      return out;
    });
    return { count: events.length, events };
  });
}
