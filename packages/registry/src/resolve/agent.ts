// Everything one agent gets back from a full heartbeat: dependencies_resolved (positional, with
// placeholders), llm_tools and llm_providers, plus the per-dependency outcomes for the audit.
import { type ResolvedAlternative, type ResolvedDependency, satisfiesConstraint, tagScore } from "@mcp-mesh/protocol";
import { type AgentRecord, type DepSpec, endpointOf, ownEntry, type Resolution } from "../model.js";
import type { Topology } from "../topology.js";
import {
  type Candidate,
  type DependencyOutcome,
  type Eviction,
  type Ranked,
  type ResolveEnv,
  rankOrder,
  resolveDependency,
  sortByRank,
} from "./dependency.js";
import { type LlmEnv, resolveLlmProvider, resolveLlmTools } from "./llm.js";

export type Env = ResolveEnv & LlmEnv & { toolOf(agentId: string, functionName: string): Candidate | undefined };

/**
 * A resolution environment over the current topology. Availability (health plus required
 * dependencies, transitively) is memoised for the environment's lifetime: make one per change.
 */
export function makeEnv(topo: Topology, schemaByHash: (h: string) => Record<string, unknown> | undefined): Env {
  // Keyed by tool record: each registration makes new ones, and the env lives for one change.
  const memo = new Map<object, Eviction["reason"] | null>();
  const visiting = new Set<object>();
  const env: Env = {
    providersOf: (cap) => topo.providersOf(cap),
    toolOf(agentId, functionName) {
      const agent = topo.get(agentId);
      const tool = agent?.tools.find((t) => t.function_name === functionName);
      return agent && tool ? { agent, tool } : undefined;
    },
    schemaByHash,
    llmPool: () => topo.llmPool(),
    llmPoolOf: (cap) => topo.llmPoolOf(cap),
    unavailableReason(c: Candidate) {
      if (c.agent.status !== "healthy") return "Unhealthy";
      if (!c.tool.dependencies.some((d) => d.required)) return null;
      const key = c.tool;
      const known = memo.get(key);
      if (known !== undefined) return known;
      // A required edge that leads back here is a cycle: fail closed.
      if (visiting.has(key)) return "Unavailable";
      visiting.add(key);
      let reason: Eviction["reason"] | null = null;
      for (const d of c.tool.dependencies) {
        if (d.required && resolveDependency(d, env, false).ranked.length === 0) {
          reason = "Unavailable";
          break;
        }
      }
      visiting.delete(key);
      memo.set(key, reason);
      return reason;
    },
  };
  return env;
}

/** Shared by every resolution that recomputed nothing (most of what propagation visits). */
const NO_OUTCOMES: ReadonlyMap<string, DependencyOutcome> = new Map();

export interface AgentOutcome {
  resolution: Resolution;
  total: number;
  resolved: number;
  /** Keyed `${function_name}#${dep_index}`; only positions that were (re)computed. */
  outcomes: ReadonlyMap<string, DependencyOutcome>;
  /** Whether llm_tools / llm_providers were computed (they are always recomputed). */
  llmTouched: boolean;
}

export interface ResolveOptions {
  trace: boolean;
  maxAlternatives: number;
  /**
   * Recompute only positions on these capabilities; others are copied from `previous`. With a
   * list of changed providers for a capability, a position is recomputed only when one of them
   * could matter to it (it passes the position's filters, or the position already names it).
   */
  only?: ReadonlyMap<string, readonly Candidate[] | null>;
  previous?: Resolution;
}

export function resolveAgent(agent: AgentRecord, env: Env, opts: ResolveOptions): AgentOutcome {
  if (opts.only && opts.previous && !anyPositionAffected(agent, env, opts.only, opts.previous, opts.maxAlternatives)) {
    // Propagation visits every consumer of a changed capability; most need nothing.
    return { resolution: opts.previous, ...countResolved(opts.previous), outcomes: NO_OUTCOMES, llmTouched: false };
  }
  const resolution: Resolution = { dependencies_resolved: {}, llm_tools: {}, llm_providers: {} };
  const outcomes = new Map<string, DependencyOutcome>();
  let total = 0;
  let resolved = 0;
  for (const tool of agent.tools) {
    const fn = tool.function_name;
    if (tool.dependencies.length) {
      const prev = opts.previous?.dependencies_resolved[fn];
      const list = tool.dependencies.map((spec, i): ResolvedDependency => {
        const kept = prev?.[i];
        if (opts.only && kept && kept.capability === spec.capability) {
          const changed = opts.only.get(spec.capability);
          if (changed === undefined) return kept;
          if (changed !== null) {
            const relevant = changed.filter((c) => mayAffect(spec, c, kept, env, opts.maxAlternatives));
            if (!relevant.length) return kept;
            const merged = opts.trace ? null : insertNewcomers(spec, kept, relevant, env, opts.maxAlternatives);
            if (merged) {
              outcomes.set(`${fn}#${i}`, merged);
              return toResolved(spec, merged, opts.maxAlternatives, kept);
            }
          }
        }
        const outcome = resolveDependency(spec, env, opts.trace);
        outcomes.set(`${fn}#${i}`, outcome);
        return toResolved(spec, outcome, opts.maxAlternatives);
      });
      setOwn(resolution.dependencies_resolved, fn, list);
      total += list.length;
      for (const d of list) if (d.status === "available") resolved++;
    }
    if (tool.llm_filter) {
      const tools = resolveLlmTools(tool.llm_filter, agent.agent_id, env);
      if (tools) setOwn(resolution.llm_tools, fn, tools);
    }
    if (tool.llm_provider) {
      const p = resolveLlmProvider(tool.llm_provider, env, opts.maxAlternatives);
      if (p) setOwn(resolution.llm_providers, fn, p);
    }
  }
  let llmTouched = false;
  for (const t of agent.tools) if (t.llm_filter || t.llm_provider) llmTouched = true;
  return { resolution, total, resolved, outcomes, llmTouched };
}

function anyPositionAffected(
  agent: AgentRecord,
  env: Env,
  only: ReadonlyMap<string, readonly Candidate[] | null>,
  previous: Resolution,
  maxAlternatives: number,
): boolean {
  for (const tool of agent.tools) {
    if (tool.llm_filter || tool.llm_provider) return true;
    const prev = ownEntry(previous.dependencies_resolved, tool.function_name);
    for (let i = 0; i < tool.dependencies.length; i++) {
      const spec = tool.dependencies[i] as DepSpec;
      const kept = prev?.[i];
      if (!kept || kept.capability !== spec.capability) return true;
      const changed = only.get(spec.capability);
      if (changed === undefined) continue;
      if (changed === null) return true;
      for (const c of changed) if (mayAffect(spec, c, kept, env, maxAlternatives)) return true;
    }
  }
  return false;
}

function countResolved(r: Resolution): { total: number; resolved: number } {
  let total = 0;
  let resolved = 0;
  // for-in, not Object.values: propagation calls this for every consumer it visits in vain.
  const all = r.dependencies_resolved;
  for (const fn in all) {
    const list = Object.hasOwn(all, fn) ? all[fn] : undefined;
    if (!list) continue;
    total += list.length;
    for (const d of list) if (d.status === "available") resolved++;
  }
  return { total, resolved };
}

/**
 * Maps are keyed by function name, which is the agent's to choose: a plain assignment with the
 * key "__proto__" would replace the map's prototype instead of adding an entry.
 */
function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  // Only "__proto__" misbehaves under plain assignment; defineProperty is slow, so keep it rare.
  if (key === "__proto__")
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/**
 * Could this changed provider alter the position? Yes if the position names it; no if it fails
 * the position's tags or version; otherwise only if it would rank inside the listed providers
 * (primary plus alternatives) — with 40 providers of a capability, most newcomers do not.
 */
function mayAffect(
  spec: DepSpec,
  c: Candidate,
  current: ResolvedDependency,
  env: Env,
  maxAlternatives: number,
): boolean {
  const id = c.agent.agent_id;
  if (current.agent_id === id) return true;
  const listed = current.alternatives;
  if (listed) for (const a of listed) if (a.agent_id === id) return true;
  const score = spec.tags.length ? tagScore(spec.tags, c.tool.tags) : 0;
  if (score < 0 || !satisfiesConstraint(c.tool.version, spec.version)) return false;
  if (current.status !== "available") return true;
  if ((listed?.length ?? 0) < maxAlternatives) return true;
  const last = listed?.at(-1) ?? current;
  const lastTool = env.toolOf(last.agent_id, last.function_name);
  if (!lastTool) return true;
  const lastScore = spec.tags.length ? tagScore(spec.tags, lastTool.tool.tags) : 0;
  return rankOrder(score, c, lastScore, lastTool) < 0;
}

/**
 * The listed providers (primary + alternatives) are the exact top of the ranking, so when the
 * only change is providers that are not listed yet, the new top is the top of "listed plus
 * newcomers": no need to re-rank every provider of a busy capability. Returns null when the
 * shortcut does not apply (a listed provider itself changed), and the caller resolves in full.
 */
function insertNewcomers(
  spec: DepSpec,
  current: ResolvedDependency,
  changed: readonly Candidate[],
  env: Env,
  maxAlternatives: number,
): DependencyOutcome | null {
  const named = (id: string) => current.agent_id === id || current.alternatives?.some((a) => a.agent_id === id);
  if (changed.some((c) => named(c.agent.agent_id))) return null;
  // Listed providers matched the position when they were listed, so their score is not -1.
  const score = (c: Candidate) => (spec.tags.length ? tagScore(spec.tags, c.tool.tags) : 0);
  const ranked: Ranked[] = [];
  const add = (c: Candidate) => ranked.push({ agent: c.agent, tool: c.tool, score: score(c) });
  if (current.status === "available") {
    const c = env.toolOf(current.agent_id, current.function_name);
    if (!c) return null;
    add(c);
    for (const entry of current.alternatives ?? []) {
      const alt = env.toolOf(entry.agent_id, entry.function_name);
      if (!alt) return null;
      add(alt);
    }
  }
  for (const c of changed) {
    // Only the live record counts: `changed` also holds the replaced version of a re-registration.
    if (env.toolOf(c.agent.agent_id, c.tool.function_name)?.tool !== c.tool) continue;
    if (env.unavailableReason(c)) continue;
    add(c);
  }
  sortByRank(ranked);
  return { ranked: ranked.slice(0, 1 + maxAlternatives), stages: [], candidates: ranked.length };
}

/**
 * `kept`: the position's previous entry. Alternatives that are still listed with the same
 * primary are the same objects again (entries are never mutated): a newcomer that joins a busy
 * capability's listing then allocates one alternative, not nine.
 */
function toResolved(
  spec: DepSpec,
  outcome: DependencyOutcome,
  maxAlternatives: number,
  kept?: ResolvedDependency,
): ResolvedDependency {
  const [best, ...rest] = outcome.ranked;
  if (!best)
    return { agent_id: "", capability: spec.capability, endpoint: "", function_name: "", status: "unresolved" };
  const out: ResolvedDependency = {
    agent_id: best.agent.agent_id,
    capability: spec.capability,
    endpoint: endpointOf(best.agent),
    function_name: best.tool.function_name,
    status: "available",
  };
  if (hasKeys(best.tool.kwargs)) out.kwargs = best.tool.kwargs;
  if (rest.length && maxAlternatives > 0) {
    const samePrimary = kept?.agent_id === out.agent_id && kept.function_name === out.function_name;
    const reusable = samePrimary ? kept?.alternatives : undefined;
    out.alternatives = rest.slice(0, maxAlternatives).map((c): ResolvedAlternative => {
      const equal = c.score === best.score && c.tool.version === best.tool.version;
      const endpoint = endpointOf(c.agent);
      const kwargs = hasKeys(c.tool.kwargs) ? c.tool.kwargs : undefined;
      if (reusable)
        for (const a of reusable)
          if (
            a.agent_id === c.agent.agent_id &&
            a.function_name === c.tool.function_name &&
            a.endpoint === endpoint &&
            a.equal === equal &&
            a.kwargs === kwargs
          )
            return a;
      const alt: ResolvedAlternative = {
        agent_id: c.agent.agent_id,
        function_name: c.tool.function_name,
        endpoint,
        equal,
      };
      if (kwargs) alt.kwargs = kwargs;
      return alt;
    });
  }
  return out;
}

/** Object.keys(o).length > 0 without building the array (hot: every listed provider). */
function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
