// `llm_filter` → `llm_tools` (PROTOCOL.md §2.8) and `llm_provider` → `llm_providers` (§2.9).
import {
  compareVersions,
  type LlmToolInfo,
  type ResolvedAlternative,
  type ResolvedLlmProvider,
  satisfiesConstraint,
  type TagTerm,
  tagScore,
} from "@mcp-mesh/protocol";
import { endpointOf, type LlmProviderRequest } from "../model.js";
import { byRank, type Candidate, type Ranked } from "./dependency.js";

export interface LlmEnv {
  /** Healthy tools with an inputSchema, in row order. */
  llmPool(): readonly Candidate[];
  /** Healthy tools with an inputSchema offering the capability, in row order. */
  llmPoolOf(capability: string): readonly Candidate[];
}

/** Null when the function gets no key at all (a `filter` that is not an array). */
export function resolveLlmTools(filter: Record<string, unknown>, selfId: string, env: LlmEnv): LlmToolInfo[] | null {
  const entries = filter.filter;
  if (!Array.isArray(entries)) return null;
  const mode = typeof filter.filter_mode === "string" ? filter.filter_mode : "all";
  const picked: Candidate[] = [];
  const seen = new Set<string>();
  const add = (c: Candidate) => {
    if (seen.has(c.tool.function_name)) return;
    seen.add(c.tool.function_name);
    picked.push(c);
  };
  if (mode === "*") {
    for (const c of env.llmPool()) if (c.agent.agent_id !== selfId) add(c);
    return picked.map(toolInfo);
  }
  for (const entry of entries) {
    for (const c of matchFilterEntry(entry, env)) add(c);
  }
  const chosen = mode === "best_match" ? bestPerCapability(picked) : picked;
  return chosen.map(toolInfo);
}

function matchFilterEntry(entry: unknown, env: LlmEnv): readonly Candidate[] {
  if (typeof entry === "string") {
    if (!entry) return [];
    return entry === "*" ? env.llmPool() : env.llmPoolOf(entry);
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return [];
  const e = entry as { capability?: unknown; tags?: unknown; version?: unknown };
  const capability = typeof e.capability === "string" ? e.capability : "";
  let pool: readonly Candidate[] = capability ? env.llmPoolOf(capability) : env.llmPool();
  const tags = Array.isArray(e.tags) ? e.tags.filter((t): t is string => typeof t === "string") : [];
  if (tags.length) {
    const scored: Ranked[] = [];
    for (const c of pool) {
      const score = tagScore(tags, c.tool.tags);
      if (score >= 0) scored.push({ agent: c.agent, tool: c.tool, score });
    }
    // Stable sort: equal scores keep row order.
    pool = scored.sort((a, b) => b.score - a.score);
  }
  const version = typeof e.version === "string" ? e.version : "";
  if (version) pool = pool.filter((c) => satisfiesConstraint(c.tool.version, version));
  return pool;
}

function bestPerCapability(picked: Candidate[]): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const c of picked) {
    const cur = best.get(c.tool.capability);
    if (!cur) {
      best.set(c.tool.capability, c);
      continue;
    }
    const v = compareVersions(c.tool.version, cur.tool.version);
    if (v > 0 || (v === 0 && c.tool.tags.length > cur.tool.tags.length)) best.set(c.tool.capability, c);
  }
  return [...best.values()];
}

function toolInfo(c: Candidate): LlmToolInfo {
  const host = !c.agent.http_host || c.agent.http_host === "0.0.0.0" ? "localhost" : c.agent.http_host;
  return {
    name: c.tool.function_name,
    capability: c.tool.capability,
    description: c.tool.description,
    inputSchema: c.tool.input_schema ?? {},
    tags: c.tool.tags,
    version: c.tool.version,
    endpoint: endpointOf({ ...c.agent, http_host: host }),
  };
}

/**
 * The winner as the reference picks it; with `maxAlternatives` > 0 the next ones of the same
 * ranking go along as `alternatives` (our extension), so a consumer fails over at once when the
 * chosen provider is gone instead of waiting for the registry to notice.
 */
export function resolveLlmProvider(
  req: LlmProviderRequest,
  env: LlmEnv,
  maxAlternatives = 0,
): ResolvedLlmProvider | null {
  if (!req.capability) return null;
  let pool: readonly Candidate[] = env.llmPoolOf(req.capability);
  if (req.version) pool = pool.filter((c) => satisfiesConstraint(c.tool.version, req.version));
  let ranked: Ranked[];
  if (req.tags.length) {
    ranked = [];
    for (const c of pool) {
      const score = tagScore(req.tags as TagTerm[], c.tool.tags);
      if (score >= 0) ranked.push({ agent: c.agent, tool: c.tool, score });
    }
    ranked.sort(byRank);
  } else {
    ranked = pool.map((c) => ({ ...c, score: 0 }));
  }
  const [winner, ...rest] = ranked;
  if (!winner) return null;
  const vendor = winner.tool.kwargs.vendor;
  const out: ResolvedLlmProvider = {
    name: winner.tool.function_name,
    endpoint: endpointOf(winner.agent),
    agent_id: winner.agent.agent_id,
    capability: winner.tool.capability,
    status: "available",
    vendor: typeof vendor === "string" && vendor ? vendor : "unknown",
  };
  if (winner.tool.tags.length) out.tags = winner.tool.tags;
  if (winner.tool.version) out.version = winner.tool.version;
  if (Object.keys(winner.tool.kwargs).length) out.kwargs = winner.tool.kwargs;
  if (rest.length && maxAlternatives > 0)
    out.alternatives = rest.slice(0, maxAlternatives).map((c): ResolvedAlternative => {
      const alt: ResolvedAlternative = {
        agent_id: c.agent.agent_id,
        function_name: c.tool.function_name,
        endpoint: endpointOf(c.agent),
        equal: c.score === winner.score && c.tool.version === winner.tool.version,
      };
      if (Object.keys(c.tool.kwargs).length) alt.kwargs = c.tool.kwargs;
      return alt;
    });
  return out;
}
