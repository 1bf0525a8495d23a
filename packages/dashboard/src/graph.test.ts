import { describe, expect, it } from "vitest";
import type { Agent } from "./api";
import { buildGraph, HEALTH_COLOURS } from "./graph";

const agent = (id: string, extra: Partial<Agent> = {}): Agent => ({
  id,
  name: id,
  status: "healthy",
  endpoint: `http://127.0.0.1:1/${id}`,
  ...extra,
});

describe("topology graph", () => {
  const mesh = [
    agent("chat", {
      dependency_resolutions: [
        { function_name: "ask", capability: "memory", status: "available", provider_agent_id: "mem" },
        { function_name: "ask", capability: "weather", status: "unresolved" },
      ],
      llm_tool_resolutions: [
        { function_name: "ask", status: "available", mcp_tool: "recall", endpoint: "http://127.0.0.1:1/mem" },
      ],
      llm_provider_resolutions: [
        { function_name: "ask", status: "available", required_capability: "llm", provider_agent_id: "claude" },
      ],
    }),
    agent("mem"),
    agent("claude", { status: "unhealthy" }),
  ];

  it("draws an edge per dependency, LLM tool and LLM provider; a missing provider is dashed", () => {
    const { nodes, edges } = buildGraph(mesh);
    expect(edges.map((e) => [e.source, e.target, e.className])).toEqual([
      ["chat", "mem", "mesh-edge mesh-edge-dep"],
      ["chat", "missing:weather", "mesh-edge mesh-edge-unresolved"],
      ["chat", "mem", "mesh-edge mesh-edge-llm-tool"],
      ["chat", "claude", "mesh-edge mesh-edge-llm-provider"],
    ]);
    expect(edges[1]?.style?.strokeDasharray).toBeTruthy();
    expect(nodes.map((n) => n.id)).toEqual(["chat", "mem", "claude", "missing:weather"]);
  });

  it("colours nodes by health and lays them out consumers first", () => {
    const { nodes } = buildGraph(mesh);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(byId.get("claude")?.style?.border).toContain(HEALTH_COLOURS.unhealthy);
    expect(byId.get("mem")?.style?.border).toContain(HEALTH_COLOURS.healthy);
    expect(byId.get("chat")?.position.x).toBeLessThan(byId.get("mem")?.position.x ?? 0);
  });
});
