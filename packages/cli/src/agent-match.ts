// Finding agents and tools by what a person types: an agent by full id, id prefix or name; a
// tool by MCP tool name, else by capability (the reference meshctl's order). Pure functions.
import type { AgentInfo, CapabilityInfo } from "./agent-info.js";
import { userCapabilities } from "./agent-info.js";
import { ErrorCodes, MeshError } from "./errors.js";

export function isHealthy(agent: AgentInfo): boolean {
  return agent.status === "healthy";
}

/** Agents matching `query`: an exact id wins; else id prefix or exact name, healthy ones first. */
export function matchAgents(agents: AgentInfo[], query: string): AgentInfo[] {
  const exact = agents.filter((a) => a.id === query);
  if (exact.length > 0) return exact;
  const loose = agents.filter((a) => a.id.startsWith(query) || a.name === query);
  const healthy = loose.filter(isHealthy);
  return healthy.length > 0 ? healthy : loose;
}

export function findAgent(agents: AgentInfo[], query: string): AgentInfo {
  const found = matchAgents(agents, query);
  const [first] = found;
  if (!first) {
    throw new MeshError(
      ErrorCodes.NOT_FOUND,
      `no agent '${query}' is registered${suggest(
        query,
        agents.map((a) => a.name),
      )} (see 'meshctl list --all')`,
    );
  }
  if (found.length > 1) {
    throw new MeshError(
      ErrorCodes.AMBIGUOUS,
      `'${query}' matches ${found.length} agents (${found.map((a) => a.id).join(", ")}): give the full id`,
    );
  }
  return first;
}

export interface ToolTarget {
  agent: AgentInfo;
  tool: CapabilityInfo;
}

/**
 * The one agent tool `spec` ("tool" or "agent:tool") names among healthy agents. Several
 * replicas of one agent (same name) are interchangeable, so the most recently seen one is used;
 * different agents offering the same tool name are ambiguous.
 */
export function findTool(agents: AgentInfo[], spec: string): ToolTarget {
  const colon = spec.lastIndexOf(":");
  const agentPart = colon > 0 ? spec.slice(0, colon) : undefined;
  const toolName = colon > 0 ? spec.slice(colon + 1) : spec;
  if (!toolName) throw new MeshError(ErrorCodes.USAGE, `'${spec}' names no tool: use <tool> or <agent>:<tool>`);
  let pool = agents.filter(isHealthy);
  if (agentPart !== undefined) {
    const exact = pool.filter((a) => a.id === agentPart);
    pool = exact.length > 0 ? exact : pool.filter((a) => a.id.startsWith(agentPart) || a.name === agentPart);
    if (pool.length === 0) {
      const down = agents.some((a) => a.id.startsWith(agentPart) || a.name === agentPart);
      throw new MeshError(
        ErrorCodes.NOT_FOUND,
        down
          ? `agent '${agentPart}' is registered but not healthy (see 'meshctl list --all')`
          : `no healthy agent '${agentPart}'${suggest(
              agentPart,
              agents.filter(isHealthy).map((a) => a.name),
            )} (see 'meshctl list')`,
      );
    }
  }
  const byName = candidates(pool, (c) => c.function_name === toolName);
  const matches = byName.length > 0 ? byName : candidates(pool, (c) => c.name === toolName);
  if (matches.length === 0) {
    const known = pool.flatMap((a) => userCapabilities(a).map((c) => c.function_name));
    const where = agentPart !== undefined ? ` on agent '${agentPart}'` : "";
    throw new MeshError(
      ErrorCodes.NOT_FOUND,
      `no healthy agent offers a tool '${toolName}'${where}${suggest(toolName, known)} (see 'meshctl list --tools')`,
    );
  }
  const names = new Set(matches.map((m) => m.agent.name));
  if (names.size > 1) {
    const ids = matches.map((m) => m.agent.id);
    throw new MeshError(
      ErrorCodes.AMBIGUOUS,
      `tool '${toolName}' is offered by ${ids.length} different agents (${ids.join(", ")}): call one as '${ids[0]}:${toolName}'`,
    );
  }
  const newest = [...matches].sort((a, b) => (b.agent.last_seen ?? "").localeCompare(a.agent.last_seen ?? ""));
  return newest[0] as ToolTarget;
}

function candidates(agents: AgentInfo[], test: (c: CapabilityInfo) => boolean): ToolTarget[] {
  return agents.flatMap((agent) =>
    userCapabilities(agent)
      .filter(test)
      .map((tool) => ({ agent, tool })),
  );
}

/** ` (did you mean 'x'?)` for a close name (edit distance <= 2), else nothing. */
export function suggest(typed: string, known: string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of new Set(known)) {
    const d = editDistance(typed, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? "" : ` (did you mean '${best}'?)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
