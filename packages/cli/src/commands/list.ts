// meshctl list: the agents (or, with --tools, every tool) of a mesh as a table, or as JSON.
import type { AgentInfo } from "../agent-info.js";
import { userCapabilities } from "../agent-info.js";
import { isHealthy } from "../agent-match.js";
import { parseCommand, REGISTRY_HELP, REGISTRY_OPTIONS } from "../args.js";
import type { Command, Context } from "../context.js";
import { ageOf } from "../durations.js";
import type { Colors } from "../output.js";
import { createRegistryClient } from "../registry-client.js";
import { resolveRegistryUrls } from "../registry-url.js";
import { renderTable } from "../table.js";

const OPTIONS = {
  ...REGISTRY_OPTIONS,
  all: { type: "boolean", short: "a" },
  wide: { type: "boolean", short: "w" },
  tools: { type: "boolean", short: "t" },
  filter: { type: "string" },
  json: { type: "boolean" },
} as const;

export interface ListView {
  all: boolean;
  wide: boolean;
  filter?: string | undefined;
}

/** Sorted agents to show; `hidden` counts the down ones left out without --all. */
export function selectAgents(agents: AgentInfo[], view: ListView): { shown: AgentInfo[]; hidden: number } {
  const matching = agents.filter((a) => !view.filter || a.id.includes(view.filter) || a.name.includes(view.filter));
  const shown = (view.all ? matching : matching.filter(isHealthy)).sort((a, b) => a.id.localeCompare(b.id));
  return { shown, hidden: matching.length - shown.length };
}

export function agentTable(agents: AgentInfo[], view: ListView, now: number, c: Colors): string[] {
  const columns = [
    { header: "NAME" },
    { header: "STATUS" },
    { header: "DEPS", align: "right" as const },
    ...(view.wide ? [{ header: "RUNTIME" }, { header: "VERSION" }, { header: "TOOLS", align: "right" as const }] : []),
    { header: "ENDPOINT" },
    { header: "LAST SEEN", align: "right" as const },
    { header: "AGE", align: "right" as const },
    { header: "CAPABILITIES", ...(view.wide ? {} : { max: 48 }) },
  ];
  const rows = agents.map((a) => {
    const caps = userCapabilities(a);
    const resolved = a.dependencies_resolved ?? 0;
    const total = a.total_dependencies ?? 0;
    const deps = `${resolved}/${total}`;
    const capNames = [...new Set(caps.map((cap) => (cap.available === false ? c.red(`${cap.name}!`) : cap.name)))];
    return [
      a.id,
      statusText(a.status, c),
      resolved < total ? c.red(deps) : deps,
      ...(view.wide ? [a.runtime ?? "-", a.version ?? "-", String(caps.length)] : []),
      view.wide ? a.endpoint : a.endpoint.replace(/^https?:\/\//, ""),
      ageOf(a.last_seen, now),
      ageOf(a.created_at, now),
      capNames.join(", ") || "-",
    ];
  });
  return renderTable(columns, rows, c.dim);
}

export function toolTable(agents: AgentInfo[], c: Colors): string[] {
  const rows = agents
    .flatMap((a) => userCapabilities(a).map((cap) => ({ a, cap })))
    .sort((x, y) => x.cap.function_name.localeCompare(y.cap.function_name) || x.a.id.localeCompare(y.a.id))
    .map(({ a, cap }) => [
      cap.function_name,
      a.id,
      cap.name,
      cap.version ?? "-",
      (cap.tags ?? []).join(",") || "-",
      cap.available === false
        ? c.red(`unavailable: ${cap.unavailable_reason ?? "required dependency unresolved"}`)
        : "",
    ]);
  return renderTable(
    [
      { header: "TOOL" },
      { header: "AGENT" },
      { header: "CAPABILITY" },
      { header: "VERSION" },
      { header: "TAGS" },
      { header: "" },
    ],
    rows,
    c.dim,
  );
}

export function statusText(status: string, c: Colors): string {
  return status === "healthy" ? c.green(status) : status === "unhealthy" ? c.red(status) : c.yellow(status);
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values } = parseCommand("list", argv, OPTIONS);
  const client = createRegistryClient(resolveRegistryUrls(values, ctx.env));
  const agents = await client.agents();
  const view: ListView = { all: values.all ?? false, wide: values.wide ?? false, filter: values.filter };
  const { shown, hidden } = selectAgents(agents, view);
  const { out } = ctx;
  if (values.json) {
    out.out(JSON.stringify({ registry: client.url, count: shown.length, agents: shown }, null, 2));
    return;
  }
  if (shown.length === 0) {
    const why = hidden > 0 ? `no healthy agents (${hidden} down: 'meshctl list --all')` : "no agents registered";
    out.out(`Registry ${client.url}: ${why}. Start one with 'meshctl start <agent.ts>'.`);
    return;
  }
  out.out(values.tools ? toolTable(shown, out.c).join("\n") : agentTable(shown, view, ctx.now(), out.c).join("\n"));
  const notes = [`${shown.length} agent${shown.length === 1 ? "" : "s"} at ${client.url}`];
  if (hidden > 0) notes.push(`${hidden} down hidden (use --all)`);
  if (shown.some((a) => userCapabilities(a).some((cap) => cap.available === false))) {
    notes.push("! = unavailable: a required dependency is unresolved ('meshctl status <agent>')");
  }
  out.out(out.c.dim(`\n${notes.join(" · ")}`));
}

export const listCommand: Command = {
  name: "list",
  summary: "list agents (or tools) registered with the registry",
  help: `meshctl list: the agents of the mesh, one row each

Usage:
  meshctl list [flags]

Columns: NAME (agent id), STATUS, DEPS (dependencies resolved/total, red when short), ENDPOINT,
LAST SEEN (since the last heartbeat), AGE (since registration), CAPABILITIES (a trailing ! marks
one that is unavailable because a required dependency is unresolved).

Flags:
  -a, --all              include unhealthy agents (default: healthy only)
  -w, --wide             add RUNTIME, VERSION and TOOLS columns; do not shorten capabilities
  -t, --tools            one row per tool: TOOL, AGENT, CAPABILITY, VERSION, TAGS
      --filter TEXT      only agents whose id or name contains TEXT
      --json             {registry, count, agents: [...]} with each agent as GET /agents returns it
${REGISTRY_HELP}
Examples:
  meshctl list
  meshctl list --all --wide
  meshctl list --tools
  meshctl list --json | jq -r '.agents[].id'`,
  run,
};
