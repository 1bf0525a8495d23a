// The resolution of one dependency as it stands now, rebuilt from the registry's current agents
// (GET /agents) in the registry's own stages (PROTOCOL.md §2.1): health, capability, tags,
// version. An audit event is only written when something "interesting" happens, so the newest
// one can describe providers that left long ago and miss those that came since; it is used here
// only for what the agents list cannot tell: the spec's version constraint, and schema checks.
import { matchTags, satisfiesConstraint, type TagTerm } from "@mcp-mesh/protocol";
import type { AgentInfo, AuditData, AuditStage } from "./agent-info.js";
import { userCapabilities } from "./agent-info.js";

type Eviction = NonNullable<AuditStage["evicted"]>[number];

export interface SpecNow {
  capability: string;
  tags?: unknown[] | undefined;
  version_constraint?: string | undefined;
}

function tagEviction(id: string, spec: SpecNow, tags: string[]): Eviction | undefined {
  if (!spec.tags || spec.tags.length === 0) return undefined;
  const m = matchTags(spec.tags as TagTerm[], tags);
  if (m.ok) return undefined;
  if (m.disallowed) return { id, reason: "ExtraTagDisallowed", details: { disallowed: [m.disallowed[0]] } };
  if (m.missing) return { id, reason: "MissingTag", details: { missing: m.missing } };
  return { id, reason: "MissingTag", details: { missing_one_of: m.missingOneOf ?? [] } };
}

/**
 * Audit-shaped data for `spec` against `agents` now; `audit` is the newest event for this
 * dependency, whose schema verdicts stand while the same candidate is still there.
 */
export function currentResolution(
  spec: SpecNow,
  agents: AgentInfo[],
  chosen: { agent_id: string; function_name: string } | undefined,
  audit: AuditData | undefined,
): AuditData {
  const schemaDropped = new Map(
    (audit?.stages ?? [])
      .flatMap((s) => s.evicted ?? [])
      .filter((e) => e.reason === "SchemaIncompatible")
      .map((e) => [e.id, e]),
  );
  const candidates = agents.flatMap((agent) =>
    userCapabilities(agent)
      .filter((c) => c.name === spec.capability)
      .map((c) => ({ agent, cap: c, id: `${agent.id}:${c.function_name}` })),
  );
  const stages: AuditStage[] = [];
  let pool = candidates;
  const cut = (stage: string, evict: (c: (typeof candidates)[number]) => Eviction | undefined) => {
    const evicted: Eviction[] = [];
    pool = pool.filter((c) => {
      const e = evict(c);
      if (e) evicted.push(e);
      return !e;
    });
    stages.push({ stage, kept: pool.map((c) => c.id), ...(evicted.length > 0 && { evicted }) });
  };
  cut("health", (c) =>
    c.agent.status !== "healthy"
      ? { id: c.id, reason: "Unhealthy" }
      : c.cap.available === false
        ? { id: c.id, reason: "Unavailable" }
        : undefined,
  );
  stages.push({ stage: "capability_match", kept: pool.map((c) => c.id) });
  cut("tags", (c) => tagEviction(c.id, spec, (c.cap.tags ?? []).map(String)));
  cut("version", (c) =>
    satisfiesConstraint(c.cap.version ?? "", spec.version_constraint)
      ? undefined
      : {
          id: c.id,
          reason: "VersionConstraintFailed",
          details: { version: c.cap.version ?? "", constraint: spec.version_constraint },
        },
  );
  cut("schema", (c) => schemaDropped.get(c.id));
  stages.push({ stage: "tiebreaker", kept: pool.map((c) => c.id) });
  return { spec, stages, ...(chosen && { chosen }) };
}

/** Candidates the rebuilt stages keep although the registry chose none (it has not caught up). */
export function keptNow(data: AuditData): string[] {
  return data.stages?.find((s) => s.stage === "tiebreaker")?.kept ?? [];
}
