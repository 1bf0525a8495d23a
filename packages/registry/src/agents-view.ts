// AgentInfo as GET /agents shows it (PROTOCOL.md §1.5), computed from memory.
import {
  type AgentInfo,
  type CapabilityInfo,
  type DependencyResolutionInfo,
  plainTags,
  rfc3339,
  satisfiesConstraint,
  tagScore,
} from "@mcp-mesh/protocol";
import type { RegistryCore } from "./core.js";
import { type AgentRecord, type DepSpec, endpointOf, ownEntry as own } from "./model.js";
import type { Env } from "./resolve/agent.js";
import { resolveDependency } from "./resolve/dependency.js";

/** Each list is an OR of its values (empty: any); the lists combine with AND. */
export interface AgentFilter {
  status: string[];
  namespace: string[];
  type: string[];
  capabilities: string[];
  fuzzy: boolean;
}

export function matchesFilter(a: AgentRecord, f: AgentFilter): boolean {
  if (f.status.length && !f.status.includes(a.status)) return false;
  if (f.namespace.length && !f.namespace.includes(a.namespace)) return false;
  if (f.type.length && !f.type.includes(a.agent_type)) return false;
  if (f.capabilities.length) {
    const wanted = f.fuzzy ? f.capabilities.map((c) => c.toLowerCase()) : f.capabilities;
    const has = (cap: string) => (f.fuzzy ? wanted.some((w) => cap.toLowerCase().includes(w)) : wanted.includes(cap));
    if (!a.tools.some((t) => has(t.capability))) return false;
  }
  return true;
}

/** Entry of a map keyed by function name; "constructor" or "__proto__" must not hit Object.prototype. */
export function agentInfo(a: AgentRecord, core: RegistryCore, env: Env): AgentInfo {
  const resolution = core.resolutionOf(a.agent_id);
  const counters = core.countersOf(a.agent_id);
  const capabilities = a.tools
    .filter((t) => t.capability)
    .map((t) => {
      const reason = env.unavailableReason({ agent: a, tool: t });
      const cap: CapabilityInfo = {
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
      if (typeof t.kwargs.stream_type === "string") cap.stream_type = t.kwargs.stream_type;
      if (reason === "Unhealthy") cap.unavailable_reason = "agent unhealthy";
      else if (reason) cap.unavailable_reason = requiredDepReason(t.dependencies, env);
      return cap;
    });
  const deps = a.tools.flatMap((t) =>
    t.dependencies.map((d, i) => {
      const r = own(resolution?.dependencies_resolved, t.function_name)?.[i];
      const row: DependencyResolutionInfo = {
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
      const list = own(resolution?.llm_tools, t.function_name) ?? [];
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
      const p = own(resolution?.llm_providers, t.function_name);
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
    // As the reference: present only for agents that registered over mTLS.
    ...(a.entity_id && { entity_id: a.entity_id }),
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

/** The reference's three wordings for a capability held back by a required dependency. */
function requiredDepReason(deps: DepSpec[], env: Env): string {
  for (const d of deps) {
    if (!d.required) continue;
    const outcome = resolveDependency(d, env);
    if (outcome.ranked.length) continue;
    const blocked = env
      .providersOf(d.capability)
      .find(
        (c) =>
          env.unavailableReason(c) === "Unavailable" &&
          (d.tags.length === 0 || tagScore(d.tags, c.tool.tags) >= 0) &&
          satisfiesConstraint(c.tool.version, d.version),
      );
    if (blocked) return `required dep '${d.capability}' unavailable (provider ${blocked.agent.agent_id} unavailable)`;
    const tags = plainTags(d.tags);
    const why = [tags.length ? `tags=[${tags.join(" ")}]` : "", d.version ? `version ${d.version}` : ""].filter(
      Boolean,
    );
    return `required dep '${d.capability}' unresolved${why.length ? ` (no provider matches ${why.join(", ")})` : ""}`;
  }
  return "required dependency unavailable";
}
