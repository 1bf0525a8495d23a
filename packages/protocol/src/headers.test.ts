import { describe, expect, it } from "vitest";
import { matchesHeaderRule } from "./headers.js";

describe("matchesHeaderRule", () => {
  it("matches exact names and `prefix*` rules, ignoring case", () => {
    const rules = ["authorization", "x-tenant-*"];
    expect(matchesHeaderRule("authorization", rules)).toBe(true);
    expect(matchesHeaderRule("Authorization", rules)).toBe(true);
    expect(matchesHeaderRule("x-tenant-id", rules)).toBe(true);
    expect(matchesHeaderRule("X-Tenant-Region", ["X-TENANT-*"])).toBe(true);
    expect(matchesHeaderRule("x-tenant", rules)).toBe(false);
    expect(matchesHeaderRule("authorization-extra", rules)).toBe(false);
    expect(matchesHeaderRule("cookie", rules)).toBe(false);
  });

  it("allows nothing with no rules, and everything with a bare `*`", () => {
    expect(matchesHeaderRule("x-anything", [])).toBe(false);
    expect(matchesHeaderRule("x-anything", ["*"])).toBe(true);
  });
});
