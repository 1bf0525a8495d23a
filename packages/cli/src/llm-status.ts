// The LLM part of `meshctl status`: for each tool with an injected LLM, the provider it resolved
// to (or why none) and the mesh tools its model may call (and which filter entry chose each, or
// why none). Our registry's GET /agents/{id} carries the resolution itself; the reference's
// rows (llm_provider_resolutions / llm_tool_resolutions) are the fallback.
import { type AgentInfo, type CapabilityInfo, matchTags, type TagTerm } from "@mcp-mesh/protocol";
import type { Colors } from "./output.js";

export interface LlmStatus {
  function_name: string;
  provider_spec: { capability: string; tags?: TagTerm[]; version?: string } | undefined;
  provider?: { agent_id: string; function_name: string; endpoint: string; vendor?: string; alternatives: number };
  provider_why: string;
  filter: { filter: unknown[]; filter_mode: string } | undefined;
  tools: { name: string; capability?: string; agent_id?: string; endpoint: string; why?: string }[];
  tools_why: string;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

export function llmStatuses(agent: AgentInfo, agents: AgentInfo[]): LlmStatus[] {
  const out: LlmStatus[] = [];
  for (const cap of agent.capabilities ?? []) {
    if (!isObj(cap.llm_provider) && !isObj(cap.llm_filter)) continue;
    const fn = cap.function_name;
    const spec = isObj(cap.llm_provider) ? (cap.llm_provider as LlmStatus["provider_spec"]) : undefined;
    const filter = isObj(cap.llm_filter) ? (cap.llm_filter as LlmStatus["filter"]) : undefined;
    const provider = providerOf(agent, fn);
    const tools = toolsOf(agent, fn).map((t) => ({ ...t, why: filter ? matchedBy(t, filter, agents) : undefined }));
    out.push({
      function_name: fn,
      provider_spec: spec,
      ...(provider && { provider }),
      provider_why: spec ? providerWhy(spec, provider, agents) : "no provider declared",
      filter,
      tools,
      tools_why: toolsWhy(filter, tools.length),
    });
  }
  return out;
}

function providerOf(agent: AgentInfo, fn: string): LlmStatus["provider"] {
  const p = agent.resolution?.llm_providers?.[fn];
  if (p)
    return {
      agent_id: p.agent_id,
      function_name: p.name,
      endpoint: p.endpoint,
      vendor: p.vendor,
      alternatives: p.alternatives?.length ?? 0,
    };
  const row = (agent.llm_provider_resolutions ?? []).find((r) => r.function_name === fn && r.status === "available");
  if (!row) return undefined;
  return {
    agent_id: String(row.provider_agent_id ?? ""),
    function_name: String(row.mcp_tool ?? ""),
    endpoint: String(row.endpoint ?? ""),
    alternatives: 0,
  };
}

function toolsOf(agent: AgentInfo, fn: string): LlmStatus["tools"] {
  const listed = agent.resolution?.llm_tools?.[fn];
  if (listed) return listed.map((t) => ({ name: t.name, capability: t.capability, endpoint: t.endpoint }));
  return (agent.llm_tool_resolutions ?? [])
    .filter((r) => r.function_name === fn && r.status === "available" && r.mcp_tool)
    .map((r) => ({
      name: String(r.mcp_tool),
      capability: typeof r.provider_capability === "string" ? r.provider_capability : undefined,
      agent_id: typeof r.provider_agent_id === "string" ? r.provider_agent_id : undefined,
      endpoint: String(r.endpoint ?? ""),
    }));
}

/** Healthy agents' tools offering `capability`, as [agent, tool]. */
function offering(agents: AgentInfo[], capability: string): [AgentInfo, CapabilityInfo][] {
  return agents.flatMap((a) =>
    a.status === "healthy"
      ? (a.capabilities ?? []).filter((c) => c.name === capability).map((c) => [a, c] as [AgentInfo, CapabilityInfo])
      : [],
  );
}

function providerWhy(
  spec: NonNullable<LlmStatus["provider_spec"]>,
  chosen: LlmStatus["provider"],
  agents: AgentInfo[],
): string {
  const tags = spec.tags ?? [];
  const all = offering(agents, spec.capability);
  if (chosen) {
    const mine = all.find(([a, c]) => a.id === chosen.agent_id && c.function_name === chosen.function_name);
    if (!mine || tags.length === 0) return `the ${spec.capability} provider the registry ranked first`;
    const m = matchTags(tags, mine[1].tags ?? []);
    return `tags ${tags.join(",")} match (score ${m.score}); best of ${all.length} ${spec.capability} provider${all.length === 1 ? "" : "s"}`;
  }
  if (all.length === 0) return `no healthy agent provides '${spec.capability}'`;
  const reasons = all.map(([a, c]) => {
    const m = matchTags(tags, c.tags ?? []);
    if (!m.ok)
      return `${a.id}:${c.function_name} ${m.disallowed?.length ? `has excluded tag ${m.disallowed.join(",")}` : `lacks tag ${[...(m.missing ?? []), ...(m.missingOneOf ?? [])].join(",")}`}`;
    return `${a.id}:${c.function_name} matches the tags (a version constraint ${spec.version ?? ""}?)`;
  });
  return reasons.join("; ");
}

/** Which filter entry admits the tool (first match), as text. */
function matchedBy(
  tool: LlmStatus["tools"][number],
  filter: NonNullable<LlmStatus["filter"]>,
  agents: AgentInfo[],
): string {
  if (filter.filter_mode === "*") return "filter mode * (every tool of other agents)";
  const cap = agents.flatMap((a) => a.capabilities ?? []).find((c) => c.function_name === tool.name);
  for (const e of filter.filter) {
    if (typeof e === "string") {
      if (e === "*" || e === tool.capability) return `filter "${e}"`;
      continue;
    }
    if (!isObj(e)) continue;
    if (typeof e.capability === "string" && e.capability !== tool.capability) continue;
    const tags = Array.isArray(e.tags) ? (e.tags as string[]) : [];
    if (tags.length > 0 && !matchTags(tags, cap?.tags ?? []).ok) continue;
    return `filter ${JSON.stringify(e)}`;
  }
  return "";
}

function toolsWhy(filter: LlmStatus["filter"], n: number): string {
  if (!filter) return "no filter declared: the model gets no mesh tools";
  if (n > 0) return `filter mode ${filter.filter_mode ?? "all"}`;
  return `no healthy tool with an input schema matches ${JSON.stringify(filter.filter)} (mode ${filter.filter_mode ?? "all"})`;
}

export function renderLlmStatus(rows: LlmStatus[], c: Colors): string[] {
  if (rows.length === 0) return [];
  const lines = ["", c.bold(`LLM (${rows.length} tool${rows.length === 1 ? "" : "s"})`)];
  for (const r of rows) {
    const spec = r.provider_spec
      ? `${r.provider_spec.capability}${r.provider_spec.tags?.length ? ` [${r.provider_spec.tags.join(",")}]` : ""}`
      : "-";
    if (r.provider) {
      const more =
        r.provider.alternatives > 0
          ? c.dim(` (+${r.provider.alternatives} alternative${r.provider.alternatives === 1 ? "" : "s"})`)
          : "";
      const vendor = r.provider.vendor ? c.dim(` vendor ${r.provider.vendor}`) : "";
      lines.push(
        `  ${r.function_name} → provider ${spec}: ${c.green("✓")} ${r.provider.agent_id}:${r.provider.function_name} ${c.dim(r.provider.endpoint)}${vendor}${more}`,
      );
      lines.push(c.dim(`      ${r.provider_why}`));
    } else {
      lines.push(`  ${r.function_name} → provider ${spec}: ${c.red("✗ unresolved")}`);
      lines.push(`      ${c.yellow(r.provider_why)}`);
    }
    lines.push(`    tools (${r.tools.length}): ${r.tools_why}`);
    for (const t of r.tools)
      lines.push(
        `      ${t.name}${t.capability ? ` (${t.capability})` : ""} ${c.dim(t.endpoint)}${t.why ? c.dim(`  ← ${t.why}`) : ""}`,
      );
  }
  return lines;
}
