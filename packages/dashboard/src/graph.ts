// Agents as nodes, and an edge for each dependency, LLM tool and LLM provider a consumer uses;
// unresolved dependencies are dashed edges to a placeholder node. Laid out with dagre.
import dagre from "@dagrejs/dagre";
import { type Edge, type Node, Position } from "@xyflow/react";
import type { Agent } from "./api";

export const HEALTH_COLOURS: Record<string, string> = { healthy: "#1f9d55", unhealthy: "#d64545", unknown: "#8a8f98" };
const W = 180;
/** Left-to-right layout: consumers on the left, edges leave right and enter left. */
const SIDES = { sourcePosition: Position.Right, targetPosition: Position.Left };
const H = 54;

export function buildGraph(agents: Agent[]): { nodes: Node[]; edges: Edge[] } {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 260 });
  g.setDefaultEdgeLabel(() => ({}));
  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const byEndpoint = new Map(agents.map((a) => [a.endpoint, a.id]));
  for (const a of agents) {
    const colour = HEALTH_COLOURS[a.status] ?? HEALTH_COLOURS.unknown;
    nodes.push({
      id: a.id,
      data: { label: `${a.id} (${a.status})` },
      position: { x: 0, y: 0 },
      ...SIDES,
      className: `mesh-node mesh-node-${a.status}`,
      style: { border: `2px solid ${colour}`, background: `${colour}22`, width: W },
    });
    g.setNode(a.id, { width: W, height: H });
  }
  const edge = (from: string, to: string | undefined, kind: string, label: string, resolved: boolean) => {
    let target = to;
    if (!target) {
      target = `missing:${label}`;
      if (!g.hasNode(target)) {
        g.setNode(target, { width: W, height: H });
        nodes.push({
          id: target,
          data: { label: `${label} (no provider)` },
          position: { x: 0, y: 0 },
          ...SIDES,
          className: "mesh-node mesh-node-missing",
          style: { border: "2px dashed #8a8f98", width: W },
        });
      }
    }
    const id = `${kind}:${from}:${label}:${target}`;
    if (edges.some((e) => e.id === id)) return;
    g.setEdge(from, target);
    edges.push({
      id,
      source: from,
      target,
      label: kind === "dep" ? label : `${kind}: ${label}`,
      animated: resolved && kind !== "dep",
      className: resolved ? `mesh-edge mesh-edge-${kind}` : "mesh-edge mesh-edge-unresolved",
      style: resolved
        ? { stroke: kind === "llm-provider" ? "#7c3aed" : "#2563eb" }
        : { stroke: "#d64545", strokeDasharray: "6 4" },
    });
  };
  for (const a of agents) {
    for (const d of a.dependency_resolutions ?? [])
      edge(
        a.id,
        d.status === "available" ? d.provider_agent_id : undefined,
        "dep",
        d.capability,
        d.status === "available",
      );
    for (const t of a.llm_tool_resolutions ?? [])
      edge(a.id, byEndpoint.get(t.endpoint ?? ""), "llm-tool", t.mcp_tool ?? t.function_name, true);
    for (const p of a.llm_provider_resolutions ?? [])
      edge(
        a.id,
        p.status === "available" ? p.provider_agent_id : undefined,
        "llm-provider",
        p.required_capability ?? p.function_name,
        p.status === "available",
      );
  }
  dagre.layout(g);
  for (const n of nodes) {
    const p = g.node(n.id);
    if (p) n.position = { x: p.x - W / 2, y: p.y - H / 2 };
  }
  return { nodes, edges };
}
