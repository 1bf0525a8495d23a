// Consumer-side tag matching, as the reference Matcher.MatchTags does it:
// plain terms first, then OR groups, with the same scores and the same
// treatment of empty strings. Unlike the reference (which stops at the first
// failure), every failure is collected so audit events can be complete.

/** string = AND term with optional "+"/"-" prefix; array = OR group. */
export type TagTerm = string | readonly string[];

export interface TagMatch {
  ok: boolean;
  /** Valid only when ok (0 otherwise, as the reference returns). */
  score: number;
  /** Required plain tags absent (reason MissingTag, details.missing), in spec order, duplicates kept. */
  missing?: string[];
  /**
   * The first OR group with no match (reason MissingTag, details.missing_one_of).
   * Reported as the group was sent, prefixes included, exactly like the
   * reference's classifyTagFailure (e.g. ["python","typescript"]).
   */
  missingOneOf?: string[];
  /**
   * Excluded tags the provider has (reason ExtraTagDisallowed, details.disallowed):
   * plain "-x" terms first, then "-x" inside groups, in spec order. The reference
   * reports a single one; to mirror it use [disallowed[0]], and prefer
   * disallowed > missing > missingOneOf.
   */
  disallowed?: string[];
}

/**
 * Group semantics follow the Go code literally, including groups holding only
 * prefixed alternatives: a "+alt" counts as a match when present (score 10),
 * a "-alt" never counts. So ["+gpu"] behaves like a required tag worth 10,
 * ["-gpu"] can never be satisfied, and a non-empty group whose alternatives
 * are all "" / "+" / "-" fails too. Only a group with no elements is skipped.
 */
export function matchTags(spec: readonly TagTerm[] | undefined, providerTags: readonly string[]): TagMatch {
  let score = 0;
  const missing: string[] = [];
  const disallowed: string[] = [];
  let missingOneOf: string[] | undefined;
  const has = (tag: string): boolean => providerTags.includes(tag);

  for (const term of spec ?? []) {
    if (typeof term !== "string" || term === "") continue;
    const name = term.slice(1);
    if (term[0] === "-") {
      if (name !== "" && has(name)) disallowed.push(name);
    } else if (term[0] === "+") {
      if (name !== "" && has(name)) score += 10;
    } else if (has(term)) {
      score += 5;
    } else {
      missing.push(term);
    }
  }

  for (const group of spec ?? []) {
    if (typeof group === "string" || group.length === 0) continue;
    let matched = false;
    let groupScore = 0;
    for (const alt of group) {
      if (alt === "") continue;
      const name = alt.slice(1);
      if (alt[0] === "-") {
        if (name !== "" && has(name)) disallowed.push(name);
      } else if (alt[0] === "+") {
        if (name !== "" && has(name)) {
          matched = true;
          groupScore = 10;
        }
      } else if (has(alt)) {
        matched = true;
        groupScore = Math.max(groupScore, 5);
      }
    }
    if (matched) score += groupScore;
    else if (missingOneOf === undefined) missingOneOf = [...group];
  }

  const ok = missing.length === 0 && missingOneOf === undefined && disallowed.length === 0;
  const result: TagMatch = { ok, score: ok ? score : 0 };
  if (missing.length > 0) result.missing = missing;
  if (missingOneOf) result.missingOneOf = missingOneOf;
  if (disallowed.length > 0) result.disallowed = disallowed;
  return result;
}

/**
 * matchTags' verdict without its details: the score when the provider matches, -1 when it does
 * not. Allocates nothing; the resolver runs it for every provider of every position it visits
 * and asks matchTags for the details only when it must explain an eviction.
 */
export function tagScore(spec: readonly TagTerm[] | undefined, providerTags: readonly string[]): number {
  if (!spec) return 0;
  let score = 0;
  for (const term of spec) {
    if (typeof term !== "string" || term === "") continue;
    const c = term.charCodeAt(0);
    if (c === 45 /* - */) {
      if (term.length > 1 && providerTags.includes(term.slice(1))) return -1;
    } else if (c === 43 /* + */) {
      if (term.length > 1 && providerTags.includes(term.slice(1))) score += 10;
    } else if (providerTags.includes(term)) score += 5;
    else return -1;
  }
  for (const group of spec) {
    if (typeof group === "string" || group.length === 0) continue;
    let matched = false;
    let groupScore = 0;
    for (const alt of group) {
      if (alt === "") continue;
      const c = alt.charCodeAt(0);
      if (c === 45 /* - */) {
        if (alt.length > 1 && providerTags.includes(alt.slice(1))) return -1;
      } else if (c === 43 /* + */) {
        if (alt.length > 1 && providerTags.includes(alt.slice(1))) {
          matched = true;
          groupScore = 10;
        }
      } else if (providerTags.includes(alt)) {
        matched = true;
        groupScore = Math.max(groupScore, 5);
      }
    }
    if (!matched) return -1;
    score += groupScore;
  }
  return score;
}

/** The plain string terms (prefixes and empty strings kept), OR groups dropped: the reference's tags_required. */
export function plainTags(spec: readonly TagTerm[] | undefined): string[] {
  const out: string[] = [];
  for (const term of spec ?? []) if (typeof term === "string") out.push(term);
  return out;
}
