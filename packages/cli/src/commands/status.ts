// meshctl status [agent]: an agent's tools and, for each dependency, the provider it is wired
// to or, when unresolved, why: the registry's current agents run through the resolution stages
// (current-resolution.ts), with the audit's spec (version constraint) and schema verdicts.
import type { ResolvedDependency } from "@mcp-mesh/protocol";
import type { AgentInfo, AuditData, EventInfo } from "../agent-info.js";
import { userCapabilities } from "../agent-info.js";
import { findAgent, isHealthy, matchAgents } from "../agent-match.js";
import { parseCommand, REGISTRY_HELP, REGISTRY_OPTIONS } from "../args.js";
import { decisionText, evictions, specText } from "../audit-explain.js";
import type { Command, Context } from "../context.js";
import { currentResolution, keptNow, type SpecNow } from "../current-resolution.js";
import { ageOf } from "../durations.js";
import { llmStatuses, renderLlmStatus } from "../llm-status.js";
import type { Colors } from "../output.js";
import { createRegistryClient, type RegistryClient } from "../registry-client.js";
import { resolveRegistryUrls } from "../registry-url.js";
import { renderTable } from "../table.js";
import { statusText } from "./list.js";

const OPTIONS = { ...REGISTRY_OPTIONS, json: { type: "boolean" } } as const;

export interface DependencyStatus {
  function_name: string;
  dep_index: number;
  capability: string;
  status: string;
  provider?: { agent_id: string; function_name: string; endpoint: string } | undefined;
  alternatives: number;
  /** Why unresolved (or why this provider), from the audit; absent when the registry kept none. */
  why?: string | undefined;
  spec?: string | undefined;
}

/**
 * One entry per declared dependency, in declaration order. Our registry's GET /agents/{id}
 * carries the positional resolution; the reference's /agents rows are in the same order.
 */
export function dependencyStatuses(agent: AgentInfo, audit: EventInfo[], agents: AgentInfo[]): DependencyStatus[] {
  const positional = agent.resolution?.dependencies_resolved;
  const rows: DependencyStatus[] = [];
  if (positional) {
    for (const [fn, deps] of Object.entries(positional)) {
      deps.forEach((d: ResolvedDependency, i) => {
        rows.push(fromResolved(fn, i, d));
      });
    }
  } else {
    const seen = new Map<string, number>();
    for (const r of agent.dependency_resolutions ?? []) {
      const i = seen.get(r.function_name) ?? 0;
      seen.set(r.function_name, i + 1);
      const provider =
        r.status === "available" && r.provider_agent_id
          ? { agent_id: r.provider_agent_id, function_name: r.mcp_tool ?? "", endpoint: r.endpoint ?? "" }
          : undefined;
      rows.push({
        function_name: r.function_name,
        dep_index: i,
        capability: r.capability,
        status: r.status,
        provider,
        alternatives: 0,
      });
    }
  }
  for (const row of rows) {
    // Events are newest first: the first one for this position holds the dependency's spec.
    const event = audit.find((e) => e.function_name === row.function_name && e.data?.dep_index === row.dep_index);
    const spec = specOf(row, agent, event);
    const chosen = row.provider && { agent_id: row.provider.agent_id, function_name: row.provider.function_name };
    const now = currentResolution(spec, agents, chosen, event?.data);
    row.spec = specText(now);
    row.why = whyNow(row, now, event !== undefined);
  }
  return rows;
}

/** The spec as the audit recorded it (with its version constraint), else what GET /agents says. */
function specOf(row: DependencyStatus, agent: AgentInfo, event: EventInfo | undefined): SpecNow {
  const recorded = event?.data?.spec;
  if (recorded?.capability === row.capability) return { ...recorded, capability: row.capability };
  const listed = (agent.dependency_resolutions ?? []).filter((r) => r.function_name === row.function_name)[
    row.dep_index
  ];
  return { capability: row.capability, ...(listed?.tags && { tags: listed.tags }) };
}

function whyNow(row: DependencyStatus, now: AuditData, audited: boolean): string {
  if (row.status === "available") return decisionText(now);
  if ((now.stages?.[0]?.kept?.length ?? 0) === 0 && evictions(now).length === 0) {
    return `no registered agent provides '${row.capability}'`;
  }
  const kept = keptNow(now);
  if (kept.length === 0) return decisionText(now);
  // The list says these match, the registry says unresolved: a rule the list cannot show.
  return audited
    ? `${kept.join(", ")} match${kept.length === 1 ? "es" : ""} now; the registry has not re-resolved yet (try again in a moment)`
    : `${kept.join(", ")} offer${kept.length === 1 ? "s" : ""} it but the registry did not choose ${kept.length === 1 ? "it" : "them"} (no resolution audit says why: a version constraint?)`;
}

function fromResolved(fn: string, i: number, d: ResolvedDependency): DependencyStatus {
  const available = d.status === "available";
  return {
    function_name: fn,
    dep_index: i,
    capability: d.capability,
    status: d.status,
    provider: available ? { agent_id: d.agent_id, function_name: d.function_name, endpoint: d.endpoint } : undefined,
    alternatives: available ? (d.alternatives?.length ?? 0) : 0,
  };
}

export function renderAgentStatus(agent: AgentInfo, deps: DependencyStatus[], now: number, c: Colors): string[] {
  const lines = [
    c.bold(agent.id),
    `  name       ${agent.name}  (${agent.runtime ?? "?"}, version ${agent.version ?? "?"})`,
    `  status     ${statusText(agent.status, c)}, last seen ${ageOf(agent.last_seen, now)} ago, up ${ageOf(agent.created_at, now)}`,
    `  endpoint   ${agent.endpoint}`,
  ];
  if (agent.description) lines.push(`  about      ${agent.description}`);
  const tools = userCapabilities(agent);
  lines.push("", c.bold(`Tools (${tools.length})`));
  lines.push(
    ...renderTable(
      [{ header: "TOOL" }, { header: "CAPABILITY" }, { header: "VERSION" }, { header: "TAGS" }, { header: "" }],
      tools.map((t) => [
        t.function_name,
        t.name,
        t.version ?? "-",
        (t.tags ?? []).join(",") || "-",
        t.available === false ? c.red(`unavailable: ${t.unavailable_reason ?? "required dependency unresolved"}`) : "",
      ]),
      c.dim,
    ).map((l) => `  ${l}`),
  );
  const resolved = deps.filter((d) => d.status === "available").length;
  lines.push("", c.bold(`Dependencies (${resolved}/${deps.length} resolved)`));
  if (deps.length === 0) lines.push("  none declared");
  for (const d of deps) {
    const head = `  ${d.function_name} → ${d.spec ?? d.capability}`;
    if (d.provider) {
      const more =
        d.alternatives > 0 ? c.dim(` (+${d.alternatives} alternative${d.alternatives === 1 ? "" : "s"})`) : "";
      lines.push(
        `${head}: ${c.green("✓")} ${d.provider.agent_id}:${d.provider.function_name} ${c.dim(d.provider.endpoint)}${more}`,
      );
      if (d.why) lines.push(c.dim(`      ${d.why}`));
    } else {
      lines.push(`${head}: ${c.red(`✗ ${d.status}`)}`);
      if (d.why) lines.push(`      ${c.yellow(d.why)}`);
    }
  }
  return lines;
}

async function auditOf(client: RegistryClient, agentId: string): Promise<EventInfo[]> {
  const [resolved, unresolved] = await Promise.all([
    client.events({ type: "dependency_resolved", agentId, limit: 500 }),
    client.events({ type: "dependency_unresolved", agentId, limit: 500 }),
  ]);
  return [...resolved, ...unresolved].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
}

/** Replicas share a name and are all shown; an id prefix naming different agents stays ambiguous. */
export function agentsNamed(agents: AgentInfo[], query: string): AgentInfo[] {
  const found = matchAgents(agents, query);
  if (found.length > 1 && found.every((a) => a.name === query)) return found;
  return [findAgent(agents, query)];
}

function unique(agents: AgentInfo[]): AgentInfo[] {
  return [...new Map(agents.map((a) => [a.id, a])).values()];
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("status", argv, OPTIONS);
  const client = createRegistryClient(resolveRegistryUrls(values, ctx.env));
  const agents = await client.agents();
  const targets =
    positionals.length > 0 ? unique(positionals.flatMap((q) => agentsNamed(agents, q))) : agents.filter(isHealthy);
  const reports = await Promise.all(
    targets.map(async (listed) => {
      const agent = (await client.agent(listed.id)) ?? listed;
      return {
        agent,
        deps: dependencyStatuses(agent, await auditOf(client, agent.id), agents),
        llm: llmStatuses(agent, agents),
      };
    }),
  );
  const { out } = ctx;
  if (values.json) {
    out.out(JSON.stringify(positionals.length === 1 && reports.length === 1 ? reports[0] : reports, null, 2));
    return;
  }
  if (reports.length === 0) {
    out.out(`Registry ${client.url}: no healthy agents. Start one with 'meshctl start <agent.ts>'.`);
    return;
  }
  out.out(
    reports
      .map((r) =>
        [...renderAgentStatus(r.agent, r.deps, ctx.now(), out.c), ...renderLlmStatus(r.llm, out.c)].join("\n"),
      )
      .join("\n\n"),
  );
}

export const statusCommand: Command = {
  name: "status",
  summary: "show an agent's tools and how each dependency is wired (or why not)",
  help: `meshctl status: tools and dependency wiring of one agent (or of every healthy agent)

Usage:
  meshctl status [agent...] [flags]

An agent is named by its full id, an id prefix, or its name; a name several replicas share
shows every replica. For each dependency it shows the provider it resolved to (and how many
alternatives the registry offers), or why it is unresolved as things stand now: no provider
at all, or each current candidate and the rule that drops it (unhealthy, missing tag,
excluded tag, version constraint), from the registry's current agents and the dependency's
spec in its resolution audit. Tools with an injected LLM also show the LLM provider it resolved
to (or why none matches its tags) and the mesh tools its model may call, each with the filter
entry that admitted it.

Flags:
      --json             the agent as the registry returns it plus 'deps' and 'llm' arrays (an array
                         of those for several agents or replicas)
${REGISTRY_HELP}
Examples:
  meshctl status
  meshctl status hello-world
  meshctl status hello-world-5395c5e4 --json`,
  run,
};
