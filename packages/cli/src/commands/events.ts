// meshctl events: the registry's event history (registrations, departures, health changes) and
// its resolution audit, with why each dependency went to the provider it went to.
import { EVENT_TYPES } from "@mcp-mesh/protocol";
import type { EventInfo } from "../agent-info.js";
import { findAgent } from "../agent-match.js";
import { intOption, parseCommand, REGISTRY_HELP, REGISTRY_OPTIONS } from "../args.js";
import { decisionText, specText } from "../audit-explain.js";
import type { Command, Context } from "../context.js";
import { clockTime } from "../durations.js";
import { usageError } from "../errors.js";
import type { Colors } from "../output.js";
import { createRegistryClient } from "../registry-client.js";
import { resolveRegistryUrls } from "../registry-url.js";
import { renderTable } from "../table.js";

const OPTIONS = {
  ...REGISTRY_OPTIONS,
  agent: { type: "string" },
  type: { type: "string" },
  function: { type: "string" },
  limit: { type: "string", short: "n" },
  json: { type: "boolean" },
} as const;

/** One readable sentence for an event. */
export function eventText(e: EventInfo): string {
  const d = e.data ?? {};
  switch (e.event_type) {
    case "register":
      return d.reason === "recovery"
        ? "back (healthy again)"
        : `registered${d.version ? ` (version ${String(d.version)})` : ""}`;
    case "unregister":
      return "left (graceful shutdown)";
    case "unhealthy": {
      const reasons: Record<string, string> = {
        health_degradation: "missed its heartbeats",
        watch_disconnected: "its connection dropped (process gone)",
        stale_on_startup: "silent when the registry started",
      };
      return `unhealthy: ${reasons[String(d.reason)] ?? String(d.reason ?? "unknown reason")}`;
    }
    case "dependency_resolved": {
      const chosen = d.chosen ? `${d.chosen.agent_id}:${d.chosen.function_name}` : "?";
      return `${e.function_name ?? "?"}[${d.dep_index ?? "?"}] ${specText(d)} → ${chosen}: ${decisionText(d)}`;
    }
    case "dependency_unresolved":
      return `${e.function_name ?? "?"}[${d.dep_index ?? "?"}] ${specText(d)} unresolved: ${decisionText(d)}`;
    default:
      return Object.keys(d).length > 0 ? JSON.stringify(d) : "";
  }
}

export function eventTable(events: EventInfo[], now: number, c: Colors): string[] {
  const colour = (type: string) =>
    type === "unhealthy" || type === "dependency_unresolved" || type === "unregister"
      ? c.red(type)
      : type === "register" || type === "dependency_resolved"
        ? c.green(type)
        : type;
  // Oldest first, like a log: the story reads top to bottom and the latest is next to the prompt.
  const rows = [...events]
    .reverse()
    .map((e) => [clockTime(e.timestamp, now), colour(e.event_type), e.agent_id, eventText(e)]);
  return renderTable([{ header: "TIME" }, { header: "EVENT" }, { header: "AGENT" }, { header: "DETAIL" }], rows, c.dim);
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values } = parseCommand("events", argv, OPTIONS);
  const type = values.type;
  if (type !== undefined && !(EVENT_TYPES as readonly string[]).includes(type)) {
    throw usageError(`unknown event type '${type}': use one of ${EVENT_TYPES.join(", ")}`);
  }
  const limit = intOption(values.limit, "limit", 50, 1);
  const client = createRegistryClient(resolveRegistryUrls(values, ctx.env));
  const agentId = values.agent === undefined ? undefined : findAgent(await client.agents(), values.agent).id;
  const events = await client.events({ type, agentId, functionName: values.function, limit: Math.min(limit, 500) });
  const { out } = ctx;
  if (values.json) {
    out.out(JSON.stringify({ count: events.length, events }, null, 2));
    return;
  }
  if (events.length === 0) {
    out.out(`No events at ${client.url}${agentId ? ` for ${agentId}` : ""}.`);
    return;
  }
  out.out(eventTable(events, ctx.now(), out.c).join("\n"));
}

export const eventsCommand: Command = {
  name: "events",
  summary: "show registry events and why each dependency resolved as it did",
  help: `meshctl events: what happened in the mesh, oldest first

Usage:
  meshctl events [flags]

Lifecycle events (registered, left, unhealthy and why) and the resolution audit: for every
dependency the registry (re)resolved, the provider it chose and why (the only match, or the best
of N by tag score, version, id), the candidates it dropped and the rule that dropped each
(missing tag, excluded tag, version constraint, unhealthy).

Flags:
      --agent AGENT      only this agent's events (id, id prefix or name)
      --type TYPE        ${EVENT_TYPES.join(", ")}
      --function NAME    only events of this consumer function
  -n, --limit N          newest N events (default 50, max 500)
      --json             {count, events} as the registry returns them (newest first)
${REGISTRY_HELP}
Examples:
  meshctl events
  meshctl events --agent hello-world --type dependency_resolved
  meshctl events --json | jq '.events[] | select(.event_type == "unhealthy")'`,
  run,
};
