// Traffic on the topology: each consumer → provider edge that carried calls gets its counts and
// p95 in the label, a width that grows with its share of the busiest edge's calls, and a colour
// for its error rate. Traffic between agents that no declared edge joins (an LLM provider calling
// the consumer's tools) is drawn as its own dotted "observed" edge. No re-layout: the positions
// stay where the mesh's own edges put them.
import type { TrafficEdge } from "@mcp-mesh/protocol";
import type { Edge, Node } from "@xyflow/react";

export const formatMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "–" : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;

/** Green below 1 % errors, amber below 10 %, red above. */
export function errorColour(calls: number, errors: number): string | undefined {
  if (calls === 0 || errors === 0) return undefined;
  return errors / calls < 0.1 ? "#d97706" : "#dc2626";
}

export function trafficLabel(t: TrafficEdge): string {
  const calls = `${t.calls} call${t.calls === 1 ? "" : "s"}`;
  const errors = t.errors > 0 ? ` · ${t.errors} err` : "";
  return `${calls}${errors} · p95 ${formatMs(t.p95_ms)}`;
}

/** Labels on a white box, readable over the edge and the grid. */
const LABEL = { labelBgStyle: { fill: "#fff", fillOpacity: 0.9 }, labelBgPadding: [4, 2] as [number, number] };

export function withTraffic(
  graph: { nodes: Node[]; edges: Edge[] },
  traffic: TrafficEdge[],
): { nodes: Node[]; edges: Edge[] } {
  if (traffic.length === 0) return graph;
  const busiest = Math.max(...traffic.map((t) => t.calls), 1);
  const byPair = new Map(traffic.map((t) => [`${t.source}\u0000${t.target}`, t]));
  const ids = new Set(graph.nodes.map((n) => n.id));
  const used = new Set<TrafficEdge>();
  const width = (t: TrafficEdge) => 1.5 + 4.5 * Math.sqrt(t.calls / busiest);
  const edges = graph.edges.map((e) => {
    const t = byPair.get(`${e.source}\u0000${e.target}`);
    // One declared edge per pair carries the pair's traffic (a dependency and an LLM tool may both join it).
    if (!t || used.has(t)) return e;
    used.add(t);
    const colour = errorColour(t.calls, t.errors);
    return {
      ...e,
      label: `${e.label ?? ""} · ${trafficLabel(t)}`,
      ...LABEL,
      className: `${e.className ?? ""} mesh-edge-busy${t.errors > 0 ? " mesh-edge-errors" : ""}`,
      style: { ...e.style, strokeWidth: width(t), ...(colour && { stroke: colour }) },
      data: { ...e.data, traffic: t },
    };
  });
  for (const t of traffic) {
    if (used.has(t) || !ids.has(t.source) || !ids.has(t.target)) continue;
    const colour = errorColour(t.calls, t.errors) ?? "#6b7280";
    edges.push({
      id: `traffic:${t.source}:${t.target}`,
      source: t.source,
      target: t.target,
      label: `observed · ${trafficLabel(t)}`,
      ...LABEL,
      className: `mesh-edge mesh-edge-observed mesh-edge-busy${t.errors > 0 ? " mesh-edge-errors" : ""}`,
      style: { stroke: colour, strokeDasharray: "2 4", strokeWidth: width(t) },
      data: { traffic: t },
    });
  }
  return { nodes: graph.nodes, edges };
}
