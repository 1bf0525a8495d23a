import { describe, expect, it } from "vitest";
import type { AgentInfo } from "./agent-info.js";
import { decisionText } from "./audit-explain.js";
import { currentResolution, keptNow } from "./current-resolution.js";

const provider = (id: string, status: string, version: string, tags: string[] = []): AgentInfo => ({
  id,
  name: id.replace(/-\w+$/, ""),
  status,
  endpoint: "http://127.0.0.1:1",
  capabilities: [{ name: "date_service", function_name: "get_date", version, tags }],
});

describe("the resolution as it stands now", () => {
  it("names every current candidate and the rule that drops it, not a departed provider's story", () => {
    const agents = [provider("old-1", "unhealthy", "2.1.0"), provider("new-1", "healthy", "1.0.0")];
    const data = currentResolution({ capability: "date_service", version_constraint: ">=2.0.0" }, agents, undefined, {
      // The newest audit event, written when only old-1 was there.
      stages: [{ stage: "health", kept: [], evicted: [{ id: "old-1:get_date", reason: "Unhealthy" }] }],
    });
    expect(decisionText(data)).toBe(
      "every candidate was dropped: old-1:get_date is unhealthy; new-1:get_date version 1.0.0 does not satisfy >=2.0.0",
    );
  });

  it("applies tags as the registry does, and keeps the audit's schema verdict for the same candidate", () => {
    const agents = [provider("a-1", "healthy", "1.0.0", ["fast"]), provider("b-1", "healthy", "1.0.0", ["slow"])];
    const schema = { id: "a-1:get_date", reason: "SchemaIncompatible" };
    const data = currentResolution({ capability: "date_service", tags: ["fast"] }, agents, undefined, {
      stages: [{ stage: "schema", kept: [], evicted: [schema] }],
    });
    expect(decisionText(data)).toBe(
      "every candidate was dropped: b-1:get_date lacks tag fast; a-1:get_date has an incompatible output schema",
    );
    expect(keptNow(currentResolution({ capability: "date_service" }, agents, undefined, undefined))).toEqual([
      "a-1:get_date",
      "b-1:get_date",
    ]);
  });

  it("no provider at all", () => {
    expect(decisionText(currentResolution({ capability: "weather" }, [], undefined, undefined))).toBe(
      "no registered agent provides it",
    );
  });
});
