// Resolution of one dependency spec (PROTOCOL.md §2.1): a pure function of the candidates.
// Stages: health → capability_match → tags → version → schema → tiebreaker. Every dropped
// candidate gets a reason; the trace is what the audit events carry.
import { compareVersions, matchTags, satisfiesConstraint, tagScore } from "@mcp-mesh/protocol";
import type { AgentRecord, DepSpec, ToolRecord } from "../model.js";
import { schemaCompatible } from "./schema.js";

export interface Candidate {
  agent: AgentRecord;
  tool: ToolRecord;
}

export interface Ranked extends Candidate {
  score: number;
}

export interface Eviction {
  id: string;
  reason:
    | "Unhealthy"
    | "Unavailable"
    | "MissingTag"
    | "ExtraTagDisallowed"
    | "VersionConstraintFailed"
    | "SchemaIncompatible";
  details?: Record<string, unknown>;
}

export interface Stage {
  stage: "health" | "capability_match" | "tags" | "version" | "schema" | "tiebreaker";
  kept: string[];
  /** Present when `kept` was cut to MAX_KEPT_LISTED: how many candidates the stage really kept. */
  kept_total?: number;
  evicted?: Eviction[];
  /** Present when `evicted` was cut to MAX_EVICTED_LISTED: how many the stage really evicted. */
  evicted_total?: number;
  chosen?: string;
  reason?: string;
}

export interface DependencyOutcome {
  /** Passing candidates, best first; the first is the reference's choice. */
  ranked: Ranked[];
  stages: Stage[];
  /** How many candidates offered the capability at all (0 = the reference writes no audit). */
  candidates: number;
}

export interface ResolveEnv {
  /** Providers of a capability, in row order. */
  providersOf(capability: string): readonly Candidate[];
  /** Healthy, and every required dependency of the tool resolves (PROTOCOL.md §2.7). */
  unavailableReason(c: Candidate): Eviction["reason"] | null;
  /** Canonical output schema by hash, for `matchMode: subset`. */
  schemaByHash(hash: string): Record<string, unknown> | undefined;
}

/** "agent:function", built once per tool record: audit traces name each provider in every stage. */
const ids = new WeakMap<ToolRecord, string>();
export const idOf = (c: Candidate): string => {
  let id = ids.get(c.tool);
  if (id === undefined) ids.set(c.tool, (id = `${c.agent.agent_id}:${c.tool.function_name}`));
  return id;
};

/** With `trace` false (background re-resolution) no stage lists are built: that is hot code. */
export function resolveDependency(spec: DepSpec, env: ResolveEnv, trace = true): DependencyOutcome {
  const all = spec.capability ? env.providersOf(spec.capability) : [];
  const stages: Stage[] = [];
  const stage = trace ? stageOf : (name: Stage["stage"]): Stage => ({ stage: name, kept: [] });
  let pool: Ranked[] = [];
  const health = new Evictions();
  for (const c of all) {
    const reason = env.unavailableReason(c);
    if (!reason) pool.push({ agent: c.agent, tool: c.tool, score: 0 });
    else if (trace && health.listing()) health.add({ id: idOf(c), reason });
  }
  if (trace) stages.push(stage("health", pool, health));
  if (trace) stages.push(stage("capability_match", pool, NONE_EVICTED));

  if (spec.tags.length > 0) {
    const evicted = new Evictions();
    pool = pool.filter((c) => {
      const score = tagScore(spec.tags, c.tool.tags);
      if (score >= 0) {
        c.score = score;
        return true;
      }
      // Only a listed eviction needs to know why (matchTags allocates the details).
      if (!trace || !evicted.listing()) return false;
      const m = matchTags(spec.tags, c.tool.tags);
      if (m.disallowed?.length) {
        evicted.add({ id: idOf(c), reason: "ExtraTagDisallowed", details: { disallowed: m.disallowed } });
      } else {
        const details: Record<string, unknown> = {};
        if (m.missing?.length) details.missing = m.missing;
        if (m.missingOneOf?.length) details.missing_one_of = m.missingOneOf;
        evicted.add({ id: idOf(c), reason: "MissingTag", details });
      }
      return false;
    });
    if (trace) stages.push(stage("tags", pool, evicted));
  }

  if (spec.version) {
    const evicted = new Evictions();
    pool = pool.filter((c) => {
      if (satisfiesConstraint(c.tool.version, spec.version)) return true;
      if (trace && evicted.listing())
        evicted.add({
          id: idOf(c),
          reason: "VersionConstraintFailed",
          details: { version: c.tool.version, constraint: spec.version },
        });
      return false;
    });
    if (trace) stages.push(stage("version", pool, evicted));
  }

  if (spec.matchMode) {
    // Listed in full: a schema verdict is the one thing meshctl cannot rebuild from the agents
    // list, so it reads it from here (current-resolution.ts). Its entries are small.
    const evicted = new Evictions(Number.POSITIVE_INFINITY);
    pool = pool.filter((c) => {
      if (schemaCompatible(spec, c.tool, env.schemaByHash)) return true;
      if (trace && evicted.listing())
        evicted.add({ id: idOf(c), reason: "SchemaIncompatible", details: { mode: spec.matchMode } });
      return false;
    });
    if (trace) stages.push(stage("schema", pool, evicted));
  }

  sortByRank(pool);
  const tiebreak = stage("tiebreaker", pool, NONE_EVICTED);
  if (pool[0]) {
    tiebreak.chosen = idOf(pool[0]);
    tiebreak.reason = "HighestScoreThenVersion";
  }
  if (trace) stages.push(tiebreak);
  return { ranked: pool, stages, candidates: all.length };
}

/**
 * Sorts by byRank in place. Short lists (most positions) get an insertion sort: the built-in
 * sort copies every list it sorts into a scratch array first. Both are stable.
 */
export function sortByRank(list: Ranked[]): Ranked[] {
  if (list.length > 24) return list.sort(byRank);
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as Ranked;
    let j = i - 1;
    while (j >= 0 && byRank(list[j] as Ranked, item) > 0) {
      list[j + 1] = list[j] as Ranked;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}

/** Tag score DESC, then provider version DESC, then agent id ASC (PROTOCOL.md §2.1 step 7). */
export function byRank(a: Ranked, b: Ranked): number {
  return rankOrder(a.score, a, b.score, b);
}

/** byRank for candidates whose scores are held apart (no Ranked object to build). */
export function rankOrder(scoreA: number, a: Candidate, scoreB: number, b: Candidate): number {
  if (scoreA !== scoreB) return scoreB - scoreA;
  // Replicas mostly share a version: equal strings compare equal without parsing (sort hot path).
  const v = a.tool.version === b.tool.version ? 0 : compareVersions(b.tool.version, a.tool.version);
  if (v !== 0) return v;
  return a.agent.agent_id < b.agent.agent_id ? -1 : a.agent.agent_id > b.agent.agent_id ? 1 : 0;
}

/**
 * Kept lists are cut after this many ids: with 40+ providers of a capability, listing every one in
 * every stage made each audit event kilobytes and was the largest write of a registration (at
 * 16 ids they were still half of an event's 3.3 KB). The tiebreaker's are ranked, so its first
 * eight are the chosen provider and the next best, as many as a resolution lists alternatives.
 */
export const MAX_KEPT_LISTED = 8;
/**
 * Eviction lists too, for the same reason (at 5,000 agents a third of the audit events had a
 * stage with more: the events were 60 % of the bytes a registration wrote). A stage names its
 * first 16 evictions with their reasons and counts the rest; `meshctl status` rebuilds the full
 * current picture for any one dependency from the agents list (current-resolution.ts).
 */
export const MAX_EVICTED_LISTED = 16;

/** A stage's evictions: the first `limit` listed, every one counted. */
class Evictions {
  readonly listed: Eviction[] = [];
  total = 0;
  constructor(private readonly limit = MAX_EVICTED_LISTED) {}
  /** Whether the next eviction is listed (build its details only then); counts it either way. */
  listing(): boolean {
    this.total++;
    return this.total <= this.limit;
  }
  add(e: Eviction): void {
    this.listed.push(e);
  }
}
const NONE_EVICTED = new Evictions();

function stageOf(name: Stage["stage"], kept: readonly Candidate[], evicted: Evictions): Stage {
  const s: Stage = { stage: name, kept: kept.slice(0, MAX_KEPT_LISTED).map(idOf) };
  if (kept.length > MAX_KEPT_LISTED) s.kept_total = kept.length;
  if (evicted.total) s.evicted = evicted.listed;
  if (evicted.total > evicted.listed.length) s.evicted_total = evicted.total;
  return s;
}
