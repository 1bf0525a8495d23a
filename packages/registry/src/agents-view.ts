// AgentInfo as GET /agents shows it (PROTOCOL.md §1.5), computed from memory.
import { plainTags, rfc3339 } from "@mcp-mesh/protocol";
import type { RegistryCore } from "./core.js";
import { type AgentRecord, endpointOf } from "./model.js";
import type { Env } from "./resolve/agent.js";

export interface AgentFilter {
  status?: string;
  namespace?: string;
  type?: string;
  capabilities?: string[];
  fuzzy?: boolean;
}

export function matchesFilter(a: AgentRecord, f: AgentFilter): boolean {
  if (f.status && a.status !== f.status) return false;
  if (f.namespace && a.namespace !== f.namespace) return false;
  if (f.type && a.agent_type !== f.type) return false;
  if (f.capabilities?.length) {
    const wanted = f.fuzzy ? f.capabilities.map((c) => c.toLowerCase()) : f.capabilities;
    const has = (cap: string) => (f.fuzzy ? wanted.some((w) => cap.toLowerCase().includes(w)) : wanted.includes(cap));
    if (!a.tools.some((t) => has(t.capability))) return false;
  }
  return true;
}

export function agentInfo(a: AgentRecord, core: RegistryCore, env: Env): Record<string, unknown> {
  const resolution = core.resolutionOf(a.agent_id);
  const counters = core.countersOf(a.agent_id);
  const capabilities = a.tools.map((t) => {
    const reason = env.unavailableReason({ agent: a, tool: t });
    const cap: Record<string, unknown> = {
      name: t.capability,
      function_name: t.function_name,
      version: t.version,
      description: t.description,
      tags: t.tags,
      available: reason === null,
    };
    if (t.llm_filter) cap.llm_filter = t.llm_filter;
    if (t.llm_provider) cap.llm_provider = t.llm_provider;
    if (t.kwargs.task === true) cap.task = true;
    if (reason === "Unhealthy") cap.unavailable_reason = "agent unhealthy";
    else if (reason) {
      const dep = t.dependencies.find(
        (d, i) => d.required && resolution?.dependencies_resolved[t.function_name]?.[i]?.status !== "available",
      );
      cap.unavailable_reason = `required dep '${dep?.capability ?? "?"}' unresolved`;
    }
    return cap;
  });
  const deps = a.tools.flatMap((t) =>
    t.dependencies.map((d, i) => {
      const r = resolution?.dependencies_resolved[t.function_name]?.[i];
      const row: Record<string, unknown> = {
        function_name: t.function_name,
        capability: d.capability,
        status: r?.status === "available" ? "available" : "unresolved",
      };
      const tags = plainTags(d.tags);
      if (tags.length) row.tags = tags;
      if (r?.status === "available") {
        row.mcp_tool = r.function_name;
        row.provider_agent_id = r.agent_id;
        row.endpoint = r.endpoint;
      }
      return row;
    }),
  );
  const llmTools = a.tools
    .filter((t) => t.llm_filter)
    .flatMap((t) => {
      const list = resolution?.llm_tools[t.function_name] ?? [];
      const mode = typeof t.llm_filter?.filter_mode === "string" ? t.llm_filter.filter_mode : "all";
      return list.map((tool) => ({
        function_name: t.function_name,
        status: "available",
        filter_mode: mode,
        mcp_tool: tool.name,
        provider_capability: tool.capability,
        endpoint: tool.endpoint,
      }));
    });
  const llmProviders = a.tools
    .filter((t) => t.llm_provider)
    .map((t) => {
      const p = resolution?.llm_providers[t.function_name];
      const row: Record<string, unknown> = {
        function_name: t.function_name,
        required_capability: t.llm_provider?.capability,
        status: p ? "available" : "unresolved",
      };
      const tags = plainTags(t.llm_provider?.tags);
      if (tags.length) row.required_tags = tags;
      if (p) Object.assign(row, { mcp_tool: p.name, provider_agent_id: p.agent_id, endpoint: p.endpoint });
      return row;
    });
  return {
    id: a.agent_id,
    name: a.name,
    agent_type: a.agent_type,
    runtime: a.runtime,
    version: a.version,
    description: a.description,
    a2a_producer: a.a2a_producer,
    a2a_consumer: a.a2a_consumer,
    status: a.status,
    endpoint: endpointOf(a),
    namespace: a.namespace,
    created_at: rfc3339(a.created_at),
    last_seen: rfc3339(a.updated_at),
    total_dependencies: counters.total,
    dependencies_resolved: counters.resolved,
    capabilities: capabilities.length ? capabilities : null,
    dependency_resolutions: deps.length ? deps : null,
    llm_tool_resolutions: llmTools.length ? llmTools : null,
    llm_provider_resolutions: llmProviders.length ? llmProviders : null,
  };
}
