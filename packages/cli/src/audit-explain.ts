// Plain-language reading of the registry's resolution audit (the data of dependency_resolved /
// dependency_unresolved events, PROTOCOL.md §1.8): why a dependency went to its provider, or
// why nothing matched. Pure functions shared by `status` and `events`.
import type { AuditData } from "./agent-info.js";

/** "lacks tag fast", "version 1.0.0 does not satisfy >=2", ... for one evicted candidate. */
export function evictionText(reason: string, details: Record<string, unknown> | undefined): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String).join(", ") : String(v ?? ""));
  switch (reason) {
    case "Unhealthy":
      return "is unhealthy";
    case "Unavailable":
      return "is unavailable (one of its own required dependencies is unresolved)";
    case "MissingTag":
      return details?.missing_one_of !== undefined
        ? `has none of the tags ${list(details.missing_one_of)}`
        : `lacks tag ${list(details?.missing)}`;
    case "ExtraTagDisallowed":
      return `has excluded tag ${list(details?.disallowed)}`;
    case "VersionConstraintFailed":
      return `version ${String(details?.version ?? "?")} does not satisfy ${String(details?.constraint ?? "the constraint")}`;
    case "SchemaIncompatible":
      return "has an incompatible output schema";
    default:
      return details ? `${reason} ${JSON.stringify(details)}` : reason;
  }
}

/** Every candidate the audit dropped, with why: "a-1:get_date lacks tag fast". */
export function evictions(data: AuditData): string[] {
  return (data.stages ?? []).flatMap((s) => {
    const listed = (s.evicted ?? []).map((e) => `${e.id} ${evictionText(e.reason, e.details)}`);
    // A busy capability's stage lists its first evictions and counts the rest.
    const more = (s.evicted_total ?? listed.length) - listed.length;
    return more > 0 ? [...listed, `${more} more at the ${s.stage} stage`] : listed;
  });
}

/** The spec as a person would write it: `date_service tags=[+fast] version=>=1.0`. */
export function specText(data: AuditData): string {
  const spec = data.spec ?? {};
  const parts = [spec.capability ?? "?"];
  if (spec.tags && spec.tags.length > 0) parts.push(`tags=${JSON.stringify(spec.tags)}`);
  if (spec.version_constraint) parts.push(`version=${spec.version_constraint}`);
  return parts.join(" ");
}

/** Why the chosen provider won (or why there is none), in one sentence. */
export function decisionText(data: AuditData): string {
  const dropped = evictions(data);
  const stages = data.stages ?? [];
  if (!data.chosen) {
    if (stages.length === 0 || ((stages[0]?.kept?.length ?? 0) === 0 && dropped.length === 0)) {
      return "no registered agent provides it";
    }
    return dropped.length > 0 ? `every candidate was dropped: ${dropped.join("; ")}` : "no candidate matched";
  }
  const tiebreaker = stages.find((s) => s.stage === "tiebreaker");
  const finalists = tiebreaker?.kept_total ?? tiebreaker?.kept?.length ?? 1;
  const why =
    finalists > 1
      ? `best of ${finalists} matching providers (highest tag score, then highest version, then agent id)`
      : "the only matching provider";
  const prior = data.prior_chosen ? `, was ${data.prior_chosen.agent_id}:${data.prior_chosen.function_name}` : "";
  return `${why}${prior}${dropped.length > 0 ? `; dropped: ${dropped.join("; ")}` : ""}`;
}
