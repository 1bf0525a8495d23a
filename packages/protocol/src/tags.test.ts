import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchTags, plainTags, type TagMatch, type TagTerm, tagScore } from "./tags.js";

describe("matchTags", () => {
  const rows: [string, TagTerm[] | undefined, string[], TagMatch][] = [
    // §1.11 captured example, provider tags ["system","time"]
    [
      "required + preferred + excluded",
      ["system", "+time", "-deprecated"],
      ["system", "time"],
      { ok: true, score: 15 },
    ],
    [
      "OR group with no match",
      [["python", "typescript"]],
      ["system", "time"],
      { ok: false, score: 0, missingOneOf: ["python", "typescript"] },
    ],
    // §2.2 rules
    ["no spec", undefined, ["a"], { ok: true, score: 0 }],
    ["empty spec", [], [], { ok: true, score: 0 }],
    ["required present", ["a"], ["a"], { ok: true, score: 5 }],
    ["required absent", ["a", "b", "c"], ["b"], { ok: false, score: 0, missing: ["a", "c"] }],
    ["preferred absent is no penalty", ["+a"], ["b"], { ok: true, score: 0 }],
    ["preferred present", ["+a", "+b"], ["a", "b"], { ok: true, score: 20 }],
    ["excluded absent", ["-a"], ["b"], { ok: true, score: 0 }],
    ["excluded present", ["-a"], ["a"], { ok: false, score: 0, disallowed: ["a"] }],
    ["case-sensitive", ["Fast"], ["fast"], { ok: false, score: 0, missing: ["Fast"] }],
    ["empty strings and bare prefixes are ignored", ["", "+", "-"], [""], { ok: true, score: 0 }],
    ["empty group is skipped", [[]], [], { ok: true, score: 0 }],
    ["group plain alt", [["a", "b"]], ["b"], { ok: true, score: 5 }],
    ["group preferred alt", [["a", "+b"]], ["b"], { ok: true, score: 10 }],
    ["group caps at 10", [["a", "+b", "c"]], ["a", "b", "c"], { ok: true, score: 10 }],
    ["group preferred then plain keeps 10", [["+b", "a"]], ["a", "b"], { ok: true, score: 10 }],
    ["groups AND together", ["x", ["a", "b"], ["c", "+d"]], ["x", "b", "d"], { ok: true, score: 20 }],
    [
      "addition AND (python OR typescript)",
      ["addition", ["python", "typescript"]],
      ["addition", "java"],
      { ok: false, score: 0, missingOneOf: ["python", "typescript"] },
    ],
    ["excluded alt present fails the group", [["a", "-b"]], ["a", "b"], { ok: false, score: 0, disallowed: ["b"] }],
    ["excluded alt absent never counts as a match", [["-b"]], ["a"], { ok: false, score: 0, missingOneOf: ["-b"] }],
    // groups made only of prefixed alternatives, decided as the Go code behaves
    ["preferred-only group acts as required worth 10", [["+gpu"]], ["gpu"], { ok: true, score: 10 }],
    ["preferred-only group fails when absent", [["+gpu"]], [], { ok: false, score: 0, missingOneOf: ["+gpu"] }],
    ["preferred + excluded group", [["+gpu", "-cpu"]], ["gpu"], { ok: true, score: 10 }],
    ["group of empty strings is not empty", [[""]], [""], { ok: false, score: 0, missingOneOf: [""] }],
    // every reason is reported, not just the first
    [
      "all reasons",
      ["-x", "need", ["p", "q"], ["r", "-y"], ["s", "t"]],
      ["x", "y", "r"],
      { ok: false, score: 0, missing: ["need"], missingOneOf: ["p", "q"], disallowed: ["x", "y"] },
    ],
  ];
  it.each(rows)("%s", (_name, spec, provider, want) => {
    expect(matchTags(spec, provider)).toEqual(want);
  });
});

describe("§2.3 cross-check: math 1.0.0 [fast,python] vs 2.1.0 [typescript]", () => {
  const providers = [
    { version: "1.0.0", tags: ["fast", "python"] },
    { version: "2.1.0", tags: ["typescript"] },
  ];
  const scored = (spec: TagTerm[]) =>
    providers.map((p) => ({ version: p.version, ...matchTags(spec, p.tags) })).filter((m) => m.ok);

  it("+fast: both match, 1.0.0 scores higher", () => {
    expect(scored(["+fast"])).toEqual([
      { version: "1.0.0", ok: true, score: 10 },
      { version: "2.1.0", ok: true, score: 0 },
    ]);
  });
  it("-fast excludes 1.0.0", () => {
    expect(scored(["-fast"]).map((m) => m.version)).toEqual(["2.1.0"]);
    expect(matchTags(["-fast"], ["fast", "python"]).disallowed).toEqual(["fast"]);
  });
  it("[[java, typescript]] matches only 2.1.0", () => {
    expect(scored([["java", "typescript"]]).map((m) => m.version)).toEqual(["2.1.0"]);
  });
});

describe("plainTags", () => {
  it.each([
    [undefined, []],
    [[], []],
    [
      ["system", "+time", "-deprecated"],
      ["system", "+time", "-deprecated"],
    ],
    [
      ["a", ["b", "c"], "+d", []],
      ["a", "+d"],
    ],
    [
      ["", "x"],
      ["", "x"],
    ],
  ] as [TagTerm[] | undefined, string[]][])("%j -> %j", (spec, want) => {
    expect(plainTags(spec)).toEqual(want);
  });
});

describe("tagScore", () => {
  // Few names, so specs and providers overlap often; prefixes and empty strings included.
  const name = fc.constantFrom("", "a", "b", "c", "gpu", "+a", "-b", "+", "-", "+gpu", "-c");
  const spec = fc.array(fc.oneof(name, fc.array(name, { maxLength: 3 })), { maxLength: 5 });
  const provider = fc.array(fc.constantFrom("a", "b", "c", "gpu", ""), { maxLength: 4 });

  it("is matchTags' score when it matches and -1 when it does not, for any spec", () => {
    fc.assert(
      fc.property(spec, provider, (s, p) => {
        const m = matchTags(s, p);
        expect(tagScore(s, p)).toBe(m.ok ? m.score : -1);
      }),
      { numRuns: 2000 },
    );
    expect(tagScore(undefined, ["a"])).toBe(0);
  });
});
