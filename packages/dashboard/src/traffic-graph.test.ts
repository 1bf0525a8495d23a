import type { TrafficEdge } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import type { Agent } from "./api";
import { buildGraph } from "./graph";
import { withTraffic } from "./traffic-graph";

const agent = (id: string, deps: Agent["dependency_resolutions"] = []): Agent => ({
  id,
  name: id,
  status: "healthy",
  endpoint: `http://${id}`,
  dependency_resolutions: deps,
});
const traffic = (source: string, target: string, calls: number, errors = 0): TrafficEdge => ({
  source,
  target,
  calls,
  errors,
  p50_ms: 2,
  p95_ms: 4.25,
  max_ms: 9,
  tools: [],
  last_call: 1,
});

describe("traffic on the topology", () => {
  const agents = [
    agent("greeter", [
      { function_name: "hello", capability: "date_service", status: "available", provider_agent_id: "dates" },
    ]),
    agent("dates"),
    agent("llm"),
  ];
  const graph = buildGraph(agents);

  it("labels the declared edge with calls, errors and p95; busier edges are wider; errors change the colour", () => {
    const out = withTraffic(graph, [traffic("greeter", "dates", 40, 1), traffic("llm", "dates", 10)]);
    const dep = out.edges.find((e) => e.source === "greeter" && e.target === "dates");
    expect(dep?.label).toBe("date_service · 40 calls · 1 err · p95 4.3 ms");
    expect(dep?.className).toContain("mesh-edge-errors");
    expect(dep?.style?.stroke).toBe("#d97706");
    const observed = out.edges.find((e) => e.id === "traffic:llm:dates");
    expect(observed?.label).toBe("observed · 10 calls · p95 4.3 ms");
    expect(Number(dep?.style?.strokeWidth)).toBeGreaterThan(Number(observed?.style?.strokeWidth));
    // Positions are the mesh's own layout.
    expect(out.nodes).toBe(graph.nodes);
  });

  it("leaves the graph alone without traffic, and skips traffic to agents it does not show", () => {
    expect(withTraffic(graph, [])).toBe(graph);
    expect(withTraffic(graph, [traffic("greeter", "http://gone:1", 3)]).edges).toHaveLength(graph.edges.length);
  });
});
