import { describe, expect, it } from "vitest";
import { decisionText, specText } from "./audit-explain.js";

describe("resolution audit in words", () => {
  it("explains an unresolved dependency by what dropped each candidate", () => {
    // As our registry and the reference write it (PROTOCOL.md §1.8).
    const data = {
      dep_index: 0,
      spec: { capability: "date_service", tags: ["fast"], schema_mode: "none" },
      stages: [
        { stage: "health", kept: ["date-agent-1:get_date"] },
        { stage: "capability_match", kept: ["date-agent-1:get_date"] },
        {
          stage: "tags",
          kept: [],
          evicted: [{ id: "date-agent-1:get_date", reason: "MissingTag", details: { missing: ["fast"] } }],
        },
        { stage: "tiebreaker", kept: [] },
      ],
    };
    expect(specText(data)).toBe('date_service tags=["fast"]');
    expect(decisionText(data)).toBe("every candidate was dropped: date-agent-1:get_date lacks tag fast");
  });

  it("explains a choice among several providers", () => {
    const data = {
      stages: [
        {
          stage: "version",
          kept: ["a:f", "b:f"],
          evicted: [{ id: "c:f", reason: "VersionConstraintFailed", details: { version: "1.0.0", constraint: ">=2" } }],
        },
        { stage: "tiebreaker", kept: ["a:f", "b:f"], chosen: "a:f", reason: "HighestScoreThenVersion" },
      ],
      chosen: { agent_id: "a", function_name: "f" },
    };
    expect(decisionText(data)).toBe(
      "best of 2 matching providers (highest tag score, then highest version, then agent id); dropped: c:f version 1.0.0 does not satisfy >=2",
    );
  });

  it("counts what a busy capability's stages only list in part", () => {
    const evicted = Array.from({ length: 16 }, (_, i) => ({
      id: `p${i}:f`,
      reason: "MissingTag",
      details: { missing: ["gpu"] },
    }));
    const data = {
      stages: [
        { stage: "tags", kept: ["a:f", "b:f"], kept_total: 30, evicted, evicted_total: 21 },
        { stage: "tiebreaker", kept: ["a:f", "b:f"], kept_total: 30, chosen: "a:f", reason: "HighestScoreThenVersion" },
      ],
      chosen: { agent_id: "a", function_name: "f" },
    };
    const text = decisionText(data);
    expect(text).toMatch(/^best of 30 matching providers/);
    expect(text).toContain("p15:f lacks tag gpu; 5 more at the tags stage");
  });
});
