// Version constraints with the semantics of Go Masterminds/semver/v3 (v3.4.0),
// which the reference registry uses. node-semver's ranges differ in many edge
// cases (partial versions, `>1.0`, `<=1.2`, `!=1.x`, `^*`, `<=*`, pre-release
// opt-in per OR-branch), so the constraint grammar and comparator rules below
// mirror Masterminds, while every version is held and compared as a node-semver
// SemVer.
import { SemVer } from "semver";

const CACHE_LIMIT = 1000;

/** Insert into a bounded Map, dropping the oldest entry when full (FIFO is enough for hot keys). */
function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, value);
  return value;
}

// ---------------------------------------------------------------- versions

// Masterminds NewVersion (CoerceNewVersion=true): optional lowercase "v",
// 1-3 numeric parts (leading zeros allowed and coerced), optional -pre / +build.
const LOOSE_VERSION =
  /^v?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

function toNumber(digits: string | undefined): number | undefined {
  if (digits === undefined) return 0;
  const n = Number(digits);
  // Masterminds accepts up to 2^64-1; node-semver only safe integers. Beyond
  // 2^53 we call the version unparseable (no real provider uses such numbers).
  return Number.isSafeInteger(n) ? n : undefined;
}

// node-semver refuses longer input anyway; checking first keeps the regex off huge strings.
const MAX_VERSION_LENGTH = 256;

function parseVersionUncached(v: string): SemVer | null {
  if (v.length > MAX_VERSION_LENGTH) return null;
  const m = LOOSE_VERSION.exec(v);
  if (!m) return null;
  const major = toNumber(m[1]);
  const minor = toNumber(m[2]);
  const patch = toNumber(m[3]);
  if (major === undefined || minor === undefined || patch === undefined) return null;
  let normal = `${major}.${minor}.${patch}`;
  if (m[4] !== undefined) normal += `-${m[4]}`;
  if (m[5] !== undefined) normal += `+${m[5]}`;
  try {
    // Strict node-semver rejects numeric pre-release ids with leading zeros,
    // exactly as Masterminds' validatePrerelease does.
    return new SemVer(normal);
  } catch {
    return null;
  }
}

const versionCache = new Map<string, SemVer | null>();

function parseVersion(v: string): SemVer | null {
  const hit = versionCache.get(v);
  if (hit !== undefined) return hit;
  return remember(versionCache, v, parseVersionUncached(v));
}

export function isValidVersion(v: string): boolean {
  return parseVersion(v) !== null;
}

/** Go strings.Compare: byte order of UTF-8, i.e. code point order (not UTF-16 units). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done) return cb.done ? 0 : -1;
    if (cb.done) return 1;
    const pa = ca.value.codePointAt(0) ?? 0;
    const pb = cb.value.codePointAt(0) ?? 0;
    if (pa !== pb) return pa < pb ? -1 : 1;
  }
}

/** Resolver tiebreak order: valid semver > unparseable; two unparseables by string. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va && vb) return va.compare(vb);
  if (va) return 1;
  if (vb) return -1;
  return compareStrings(a, b);
}

// -------------------------------------------------------------- constraints

// Go's \s is [\t\n\f\r ] (ASCII only); JS \s would also accept \v and Unicode spaces.
const WS = "[\\t\\n\\f\\r ]";
// Masterminds cvRegex, verbatim (note the class also admits "|").
const CV =
  "v?([0-9|x|X|\\*]+)(\\.[0-9|x|X|\\*]+)?(\\.[0-9|x|X|\\*]+)?" +
  "(-([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?" +
  "(\\+([0-9A-Za-z\\-]+(\\.[0-9A-Za-z\\-]+)*))?";
const CV_NC = CV.replace(/\((?!\?)/g, "(?:");
// Operator alternation in Masterminds' order; the empty alternative means "bare version".
const OPS = "=||!=|>|<|>=|=>|<=|=<|~|~>|\\^";
const OPS_NONEMPTY = "=|!=|>|<|>=|=>|<=|=<|~|~>|\\^";

const CONSTRAINT_RE = new RegExp(`^${WS}*(${OPS})${WS}*(${CV})${WS}*$`);
const RANGE_RE = new RegExp(`${WS}*(${CV})${WS}+-${WS}+(${CV})${WS}*`, "g");
const FIND_RE = new RegExp(`(${OPS})${WS}*(${CV})`, "g");
// Same language as Masterminds' validConstraintRegex, rewritten so that no run
// of spaces can be split several ways: the original form backtracks
// exponentially in JS (Go's RE2 is linear) and constraints come off the wire.
const VALID_RE = new RegExp(
  `^${WS}*(?:(?:${OPS_NONEMPTY})${WS}*)?${CV_NC}` +
    `(?:(?:${WS}*,${WS}*|${WS}+)(?:(?:${OPS_NONEMPTY})${WS}*)?${CV_NC})*${WS}*$`,
);

interface Comparator {
  check: CheckFn;
  con: SemVer;
  dirty: boolean; // some part was a wildcard or omitted
  minorDirty: boolean; // "1", "1.x"
  patchDirty: boolean; // "1.2", "1.2.x"
}
type CheckFn = (v: SemVer, c: Comparator) => boolean;
/** One OR-branch; includePre: any comparator in it names a pre-release (Masterminds v3.4 #267). */
interface Branch {
  comparators: Comparator[];
  includePre: boolean;
}

const cmp = (v: SemVer, c: Comparator): number => v.compare(c.con);
const samePre = (a: SemVer, b: SemVer): boolean => a.prerelease.join(".") === b.prerelease.join(".");

function notEqual(v: SemVer, c: Comparator): boolean {
  const con = c.con;
  if (c.dirty) {
    if (con.major !== v.major) return true;
    if (con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) return !samePre(v, con);
    // "*" (major wildcard, con 0.0.0) falls through to plain inequality.
  }
  return cmp(v, c) !== 0;
}

function greaterThan(v: SemVer, c: Comparator): boolean {
  if (!c.dirty) return cmp(v, c) > 0;
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false; // ">1" needs 2.x
  if (c.patchDirty) return v.minor > c.con.minor; // ">1.1" needs 1.2+
  return cmp(v, c) > 0;
}

function lessThanEqual(v: SemVer, c: Comparator): boolean {
  if (!c.dirty) return cmp(v, c) <= 0;
  if (v.major > c.con.major) return false;
  // With these two rules "<=*" (con 0.0.0, only major dirty) admits just 0.0.x.
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function tilde(v: SemVer, c: Comparator): boolean {
  const con = c.con;
  if (cmp(v, c) < 0) return false;
  if (con.major === 0 && con.minor === 0 && con.patch === 0 && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== con.major) return false;
  return v.minor === con.minor || c.minorDirty;
}

function caret(v: SemVer, c: Comparator): boolean {
  const con = c.con;
  if (cmp(v, c) < 0) return false;
  if (con.major > 0 || c.minorDirty) return v.major === con.major;
  if (v.major > 0) return false; // includes "^*", which Masterminds treats as ^0.0.0
  if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0) return false;
  return v.patch === con.patch;
}

const exact: CheckFn = (v, c) => (c.dirty ? tilde(v, c) : cmp(v, c) === 0);
const lessThan: CheckFn = (v, c) => cmp(v, c) < 0;
const greaterThanEqual: CheckFn = (v, c) => cmp(v, c) >= 0;

const CHECKS: Readonly<Record<string, CheckFn>> = {
  "": exact,
  "=": exact,
  "!=": notEqual,
  ">": greaterThan,
  "<": lessThan,
  ">=": greaterThanEqual,
  "=>": greaterThanEqual,
  "<=": lessThanEqual,
  "=<": lessThanEqual,
  "~": tilde,
  "~>": tilde,
  "^": caret,
};

const isX = (s: string): boolean => s === "x" || s === "X" || s === "*";

function parseComparator(s: string): Comparator | null {
  const m = CONSTRAINT_RE.exec(s);
  if (!m) return null;
  const check = CHECKS[m[1] ?? ""];
  const major = m[3] ?? "";
  const minor = m[4] ?? ""; // includes the leading "."
  const patch = m[5] ?? "";
  const pre = m[6] ?? ""; // includes the leading "-"; build metadata is dropped for wildcards
  let ver = m[2] ?? "";
  let dirty = false;
  let minorDirty = false;
  let patchDirty = false;
  if (isX(major) || major === "") {
    ver = `0.0.0${pre}`;
    dirty = true;
  } else if (minor === "" || isX(minor.slice(1))) {
    ver = `${major}.0.0${pre}`;
    dirty = minorDirty = true;
  } else if (patch === "" || isX(patch.slice(1))) {
    ver = `${major}${minor}.0${pre}`;
    dirty = patchDirty = true;
  }
  // Odd digit classes like "1x" or "1|2" pass the regex but fail here, as in Go.
  const con = parseVersionUncached(ver);
  if (!con || !check) return null;
  return { check, con, dirty, minorDirty, patchDirty };
}

/** "A - B" becomes ">= A, <= B " (trailing space included, as Masterminds does). */
function rewriteRange(c: string): string {
  let out = c;
  for (const m of c.matchAll(RANGE_RE)) {
    // Go replaces the first occurrence of the matched text, not the match position.
    const replacement = `>= ${m[1] ?? ""}, <= ${m[11] ?? ""} `;
    out = out.replace(m[0], () => replacement);
  }
  return out;
}

// Masterminds has no limit, but the unanchored range/find regexes are quadratic
// under JS backtracking (about 1 s at 20 kB) and constraints come off the wire.
// Longer constraints count as unparseable; real ones are a few dozen characters.
const MAX_CONSTRAINT_LENGTH = 1024;

function compileUncached(constraint: string): Branch[] | null {
  if (constraint.length > MAX_CONSTRAINT_LENGTH) return null;
  const branches: Branch[] = [];
  for (const segment of rewriteRange(constraint).split("||")) {
    if (!VALID_RE.test(segment)) return null;
    const parts = segment.match(FIND_RE) ?? [segment];
    const comparators: Comparator[] = [];
    let includePre = false;
    for (const part of parts) {
      const comp = parseComparator(part);
      if (!comp) return null;
      if (comp.con.prerelease.length > 0) includePre = true;
      comparators.push(comp);
    }
    branches.push({ comparators, includePre });
  }
  return branches;
}

const constraintCache = new Map<string, Branch[] | null>();

function compile(constraint: string): Branch[] | null {
  const hit = constraintCache.get(constraint);
  if (hit !== undefined) return hit;
  return remember(constraintCache, constraint, compileUncached(constraint));
}

function check(branches: readonly Branch[], v: SemVer): boolean {
  const isPre = v.prerelease.length > 0;
  for (const branch of branches) {
    // Every Masterminds comparator rejects a pre-release up front unless its branch opted in.
    if (isPre && !branch.includePre) continue;
    if (branch.comparators.every((c) => c.check(v, c))) return true;
  }
  return false;
}

/** Reference Matcher.MatchVersion: Masterminds check, exact string equality when either side fails to parse. */
export function satisfiesConstraint(version: string, constraint: string | undefined): boolean {
  if (!constraint) return true;
  if (version === "") return false;
  const v = parseVersion(version);
  if (!v) return version === constraint;
  const branches = compile(constraint);
  if (!branches) return version === constraint;
  return check(branches, v);
}
