// When does a reference client (which ignores `alternatives`) need to hear of a change?
import type { ResolvedLlmProvider } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import type { Resolution } from "../model.js";
import { differsForReference, sameResolution } from "./compare.js";

const provider = (alts: string[]): ResolvedLlmProvider => ({
  name: "chat",
  endpoint: "http://a:1",
  agent_id: "a",
  capability: "llm",
  status: "available",
  vendor: "unknown",
  ...(alts.length > 0 && {
    alternatives: alts.map((id) => ({ agent_id: id, function_name: "chat", endpoint: `http://${id}:1`, equal: true })),
  }),
});
const res = (p: ResolvedLlmProvider): Resolution => ({
  dependencies_resolved: {},
  llm_tools: {},
  llm_providers: { ask: p },
});

describe("LLM provider alternatives", () => {
  it("a change in alternatives alone is no news for a reference client, but is for the watch stream", () => {
    expect(differsForReference(res(provider(["b"])), res(provider([])))).toBe(false);
    expect(sameResolution(res(provider(["b"])), res(provider([])))).toBe(false);
    expect(differsForReference(res(provider([])), res({ ...provider([]), agent_id: "b" }))).toBe(true);
  });
});
