import { describe, expect, it } from "vitest";
import { compareVersions, isValidVersion, satisfiesConstraint } from "./version.js";

/** What the resolver does: keep satisfying providers, highest version wins. */
function pick(providers: readonly string[], constraint: string | undefined): string | null {
  const ok = providers.filter((p) => satisfiesConstraint(p, constraint));
  ok.sort((a, b) => -compareVersions(a, b));
  return ok[0] ?? null;
}

describe("PROTOCOL §2.3 observed choices (providers 1.0.5, 1.1.0, 2.0.0-beta.1)", () => {
  const providers = ["1.0.5", "1.1.0", "2.0.0-beta.1"];
  const rows: [string | undefined, string | null][] = [
    ["1.0", "1.0.5"],
    ["1", "1.1.0"],
    ["1.x", "1.1.0"],
    ["~1.0", "1.0.5"],
    ["~1.0.0", "1.0.5"],
    ["^1.0.0", "1.1.0"],
    ["!=1.0.5", "1.1.0"],
    [">=1.0, <1.1", "1.0.5"],
    ["1.0.5 || 2.0.0", "1.0.5"],
    ["1.0.0 - 1.0.9", "1.0.5"],
    ["*", "1.1.0"],
    ["1.0.5", "1.0.5"],
    ["=1.0.5", "1.0.5"],
    [">1.1.0", null],
    ["^2.0.0-0", "2.0.0-beta.1"],
    ["2.0.0-beta.1", "2.0.0-beta.1"],
    ["bogus!!", null],
    [undefined, "2.0.0-beta.1"],
    ["", "2.0.0-beta.1"],
  ];
  it.each(rows)("%j -> %j", (constraint, chosen) => {
    expect(pick(providers, constraint)).toBe(chosen);
  });
});

describe("PROTOCOL §2.3 cross-check (providers 1.0.0, 2.1.0)", () => {
  const providers = ["1.0.0", "2.1.0"];
  it.each([
    [undefined, "2.1.0"],
    ["^1.0.0", "1.0.0"],
    [">=3.0.0", null],
  ] as const)("%j -> %j", (constraint, chosen) => {
    expect(pick(providers, constraint)).toBe(chosen);
  });
});

describe("satisfiesConstraint: reference MatchVersion wrapper rules", () => {
  it.each([
    ["1.2.3", undefined, true],
    ["", undefined, true],
    ["", "", true],
    ["not-semver", "", true],
    ["", ">=1.0.0", false],
    ["", "*", false],
    // unparseable version or constraint: exact string equality
    ["latest", "latest", true],
    ["latest", "*", false],
    ["1.0.0", "bogus!!", false],
    ["bogus!!", "bogus!!", true],
    ["1.2.3.4", "1.2.3.4", true],
    ["1.2.3", " ", false],
    // valid version, constraint parses: no string fallback
    ["1.2.3", "1.2.3", true],
    ["v1.2.3", "1.2.3", true],
    ["1.2.3+build.7", "1.2.3", true],
    ["01.02.03", "1.2.3", true],
  ] as const)("(%j, %j) -> %j", (v, c, want) => {
    expect(satisfiesConstraint(v, c)).toBe(want);
  });
});

// Rows from Masterminds v3.4.0 constraints_test.go (TestConstraintsCheck), full NewConstraint + Check.
describe("Masterminds constraint semantics", () => {
  const rows: [string, string, boolean][] = [
    ["*", "1.2.3", true],
    ["~0.0.0", "1.2.3", true],
    ["0.x.x", "1.2.3", false],
    ["0.0.x", "1.2.3", false],
    ["0.0.0", "1.2.3", false],
    ["^0.0.0", "1.2.3", false],
    ["= 2.0", "1.2.3", false],
    ["= 2.0", "2.0.0", true],
    ["4.1", "4.1.0", true],
    ["4.1.x", "4.1.3", true],
    ["1.x", "1.4", true],
    ["!=4.1", "4.1.0", false],
    ["!=4.1-alpha", "4.1.0-alpha", false],
    ["!=4.1-alpha", "4.1.1-alpha", false],
    ["!=4.1-alpha", "4.1.0", true],
    ["!=4.1", "5.1.0", true],
    ["!=4.x", "5.1.0", true],
    ["!=4.x", "4.1.0", false],
    ["!=4.1.x", "4.2.0", true],
    ["!=4.2.x", "4.2.3", false],
    ["!=4.1", "5.1.0-alpha.1", false],
    [">1.1", "4.1.0", true],
    [">1.1", "1.1.0", false],
    [">11.1", "11.1.1", false],
    [">11.1", "11.2.1", true],
    [">11", "11.1.0", false],
    [">0", "0", false],
    [">0", "1", true],
    [">0", "0.0.1-alpha", false],
    [">0-0", "0.0.1-alpha", false],
    [">0.0.0-0", "0.0.0-alpha", true],
    [">1.2.3-alpha.1", "1.2.3-alpha.2", true],
    [">1.2.3-alpha.1", "1.3.3-alpha.2", true],
    ["<1.1", "0.1.0", true],
    ["<1.1", "1.1.0", false],
    ["<1.1", "1.1.1", false],
    ["<1.x", "1.1.1", false],
    ["<1.x", "0.1.1", true],
    ["<1.x", "2.0.0", false],
    ["<1.1.x", "1.2.1", false],
    ["<1.1.x", "1.1.500", false],
    ["<1.1.x", "1.0.500", true],
    ["<1.2.x", "1.1.1", true],
    ["<0", "0.0.0-alpha", false],
    ["<0-z", "0.0.0-alpha", true],
    [">=1.1", "4.1.0", true],
    [">=1.1", "4.1.0-beta", false],
    [">=1.1", "1.1.0", true],
    [">=1.1", "0.0.9", false],
    [">=0-0", "0.0.1-alpha", true],
    [">=0.0.0-0", "3.4.5-beta.1", true],
    ["<=1.1", "0.1.0", true],
    ["<=1.1", "0.1.0-alpha", false],
    ["<=1.1-a", "0.1.0-alpha", true],
    ["<=1.1", "1.1.0", true],
    ["<=1.x", "1.1.0", true],
    ["<=2.x", "3.0.0", false],
    ["<=1.1", "1.1.1", true],
    ["<=1.1", "1.2.3", false],
    ["<=1.1.x", "1.2.500", false],
    ["<=4.5", "3.7.0", true],
    ["<=4.5", "4.6.3", false],
    ["<=11", "11.2.3", true],
    ["<=11", "12.2.3", false],
    [">1.1, <2", "1.1.1", false],
    [">1.1, <2", "1.2.1", true],
    [">1.1, <3", "4.3.2", false],
    [">=1.1, <2, !=1.2.3", "1.2.3", false],
    [">1.1 <2", "1.2.1", true],
    [">1.1    <3", "4.3.2", false],
    [">=1.1    <2    !=1.2.3", "1.2.3", false],
    [">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true],
    [">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false],
    [">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true],
    [">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false],
    [">= 1.1 <2 != 1.2.3 || > 3", "4.1.2", true],
    ["> 1.1, <     2", "1.1.1", false],
    [">   1.1, <2", "1.2.1", true],
    [">=1.1    < 2    != 1.2.3", "1.2.3", false],
    // a pre-release anywhere in the AND group opts the whole group in (v3.4 #267)
    [">= 1.0.0  <= 2.0.0-beta", "1.0.1-beta", true],
    [">= 1.0.0  <= 2.0.0-beta", "1.0.1", true],
    [">= 1.0.0  <= 2.0.0-beta", "3.0.0", false],
    [">= 1.0.0  <= 2.0.0-beta || > 3", "1.0.1-beta", true],
    [">= 1.0.0  <= 2.0.0-beta || > 3", "3.0.1-beta", false],
    [">= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", true],
    [">= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3", "1.0.1-beta", false],
    [">= 1.0.0-0  <= 2.0.0", "1.0.1-beta", true],
    ["1.1 - 2", "1.1.1", true],
    ["1.5.0 - 4.5", "3.7.0", true],
    ["1.1-3", "4.3.2", false],
    ["1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true],
    ["1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true],
    ["^1.1", "1.1.1", true],
    ["^1.1", "4.3.2", false],
    ["^1.x", "1.1.1", true],
    ["^2.x", "1.1.1", false],
    ["^1.x", "2.1.1", false],
    ["^1.x", "1.1.1-beta1", false],
    ["^1.1.2-alpha", "1.2.1-beta1", true],
    ["^1.2.x-alpha", "1.1.1-beta1", false],
    ["^1.2.0-alpha.0", "1.2.1-alpha.1", true],
    ["^1.2.0-alpha.2", "1.2.0-alpha.1", false],
    ["^0.2.3", "0.2.5", true],
    ["^0.2.3", "0.5.6", false],
    ["^0.2", "0.2.5", true],
    ["^0.2", "0.5.6", false],
    ["^0.0.3", "0.0.3", true],
    ["^0.0.3", "0.0.4", false],
    ["^0.0", "0.0.3", true],
    ["^0.0", "0.1.4", false],
    ["^0.0", "1.0.4", false],
    ["^0", "0.2.3", true],
    ["^0", "1.1.4", false],
    ["^0.0.1", "0.3.1", false],
    ["^0.2.3-beta.2", "0.2.4-beta.2", true],
    ["^0.2.3-beta.2", "0.3.4-beta.2", false],
    ["~*", "2.1.1", true],
    ["~1", "2.1.1", false],
    ["~1", "1.3.5", true],
    ["~1", "1.4", true],
    ["~1.x", "1.3.5", true],
    ["~1.1", "1.1.1", true],
    ["~1.1", "1.1.1-alpha", false],
    ["~1.1-alpha", "1.1.1-beta", true],
    ["~1.1.1-beta", "1.1.1-alpha", false],
    ["~1.1.1-beta", "1.1.1", true],
    ["~1.2.3", "1.2.5", true],
    ["~1.2.3", "1.2.2", false],
    ["~1.2.3", "1.3.2", false],
    ["~1.2.3-beta.2", "1.2.4-beta.2", true],
    ["~1.2.3-beta.2", "1.3.4-beta.2", false],
    ["~>1.2", "1.2.9", true],
    ["=>1.2", "1.3.0", true],
    ["=<1.2", "1.2.9", true],
    ["*-0", "1.2.3-alpha.1", true],
    ["*", "1.2.3-alpha.1", false],
    ["2.*", "2.1.1", true],
    ["2.1.*", "2.2.1", false],
    ["v1.2", "1.2.7", true],
    ["v2.3.5-20161202202307-sha.e8fc5e5", "2.3.5-20161202202307-sha.e8fc5e5", true],
  ];
  it.each(rows)("%j on %j -> %j", (c, v, want) => {
    expect(satisfiesConstraint(v, c)).toBe(want);
  });
});

describe("Masterminds quirks derived from its source", () => {
  it.each([
    // "*" is a major wildcard over 0.0.0 with neither minor nor patch dirty
    ["^*", "1.2.3", false],
    ["^*", "0.0.0", true],
    ["<=*", "1.0.0", false],
    ["<=*", "0.9.0", false],
    ["<=*", "0.0.9", true],
    [">*", "0.0.1", true],
    [">*", "0.0.0", false],
    ["!=*", "0.0.0", false],
    ["!=*", "0.1.0", true],
    // partial versions in > and <=
    [">1.0", "1.0.9", false],
    [">1.0", "1.1.0", true],
    [">1", "1.9.9", false],
    [">1", "2.0.0", true],
    ["<=1.2", "1.2.99", true],
    ["<=1", "1.99.0", true],
    ["<=1", "2.0.0", false],
    // "1.0.0-2.0.0" without spaces is a pre-release version, not a range
    ["1.0.0-2.0.0", "1.5.0", false],
    ["1.0.0-2.0.0", "1.0.0-2.0.0", true],
  ] as const)("%j on %j -> %j", (c, v, want) => {
    expect(satisfiesConstraint(v, c)).toBe(want);
  });

  it.each(["foo", ">= bar", "BAR >= 1.2.3", "12.3.4.1234", "12.3.34~ 1.2.3", "1x", "1.0 ||", ">=1.0,,<2", "1.0\v"])(
    "constraint %j does not parse, so only string equality matches",
    (c) => {
      expect(satisfiesConstraint("1.0.0", c)).toBe(false);
      expect(satisfiesConstraint(c, c)).toBe(true);
    },
  );

  it.each([
    [">= 1.2.3 < 2.0 || => 3.0 < 4", "3.5.0"],
    ["3 - 4 || => 3.0, < 4", "3.5.0"],
    [">40.50.60, < 50.70", "45.0.0"],
    ["\t>=1.0\n", "1.0.0"],
  ])("constraint %j parses (admits %j)", (c, v) => {
    expect(satisfiesConstraint(v, c)).toBe(true);
  });

  it("stays fast on adversarial constraints (the verbatim Go regex is exponential in JS)", () => {
    const start = performance.now();
    expect(satisfiesConstraint("1.0.0", `${"1  ".repeat(300)}!`)).toBe(false);
    expect(satisfiesConstraint("1.0.0", "1 ,  ".repeat(200))).toBe(false);
    expect(satisfiesConstraint("1.0.0", "1-".repeat(500))).toBe(false);
    expect(performance.now() - start).toBeLessThan(200);
  });

  it("treats constraints over 1024 characters as unparseable", () => {
    const long = `>=1.0.0${" ".repeat(1100)}`;
    expect(satisfiesConstraint("1.0.0", `>=1.0.0${" ".repeat(1000)}`)).toBe(true);
    expect(satisfiesConstraint("1.0.0", long)).toBe(false);
    expect(satisfiesConstraint(long, long)).toBe(true);
  });
});

describe("isValidVersion (Masterminds NewVersion, coercing)", () => {
  it.each([
    ["1", true],
    ["1.2", true],
    ["1.2.3", true],
    ["v1.2.3", true],
    ["01.002.3", true],
    ["1.2.3-beta.1+build.5", true],
    ["1.2.3-0", true],
    ["1.2.3--", true],
    ["V1.2.3", false],
    ["=1.2.3", false],
    [" 1.2.3", false],
    ["1.2.3.4", false],
    ["1.2.3-01", false],
    ["1.2.3-", false],
    ["1.2.3+", false],
    ["", false],
    ["latest", false],
    ["1.x", false],
  ] as const)("%j -> %j", (v, want) => {
    expect(isValidVersion(v)).toBe(want);
  });
});

describe("compareVersions", () => {
  it.each([
    ["2.0.0-beta.1", "1.1.0", 1],
    ["1.1.0", "2.0.0-beta.1", -1],
    ["2.0.0", "2.0.0-beta.1", 1],
    ["1.0.0-alpha.10", "1.0.0-alpha.9", 1],
    ["1.0.0-alpha", "1.0.0-1", 1],
    ["1.0.0-alpha.1", "1.0.0-alpha", 1],
    ["1.2", "1.2.0", 0],
    ["v1.2.3", "1.2.3", 0],
    ["1.2.3+a", "1.2.3+b", 0],
    ["0.0.1", "garbage", 1],
    ["garbage", "0.0.1", -1],
    ["", "1.0.0", -1],
    ["abc", "abd", -1],
    ["b", "a", 1],
    ["same", "same", 0],
    ["\u{1F600}", "\uFF5E", 1], // code point order, like Go's byte compare
  ] as const)("(%j, %j) -> %j", (a, b, want) => {
    expect(Math.sign(compareVersions(a, b))).toBe(want);
  });

  it("sorts a mixed list descending the way the resolver tiebreak does", () => {
    const list = ["dev", "1.0.0", "2.0.0-beta.1", "", "1.10.0", "1.9.0", "alpha"];
    list.sort((a, b) => -compareVersions(a, b));
    expect(list).toEqual(["2.0.0-beta.1", "1.10.0", "1.9.0", "1.0.0", "dev", "alpha", ""]);
  });
});

describe("caches", () => {
  it("stay correct past their bound", () => {
    for (let i = 0; i < 2500; i++) {
      expect(satisfiesConstraint(`1.${i}.0`, `>=1.${i}`)).toBe(true);
      expect(satisfiesConstraint(`1.${i}.0`, `>1.${i}`)).toBe(false);
    }
    expect(satisfiesConstraint("1.0.5", "~1.0")).toBe(true);
  });
});
