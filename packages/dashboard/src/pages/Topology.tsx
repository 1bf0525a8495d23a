import type { TrafficView } from "@mcp-mesh/protocol";
import { Background, Controls, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import type { Agent } from "../api";
import { buildGraph } from "../graph";
import { withTraffic } from "../traffic-graph";
import { WindowPicker } from "./WindowPicker";

export function Topology({
  agents,
  version,
  traffic,
  windowSeconds,
  onWindow,
}: {
  agents: Agent[];
  version: number;
  traffic: TrafficView | undefined;
  windowSeconds: number;
  onWindow: (s: number) => void;
}) {
  const layout = useMemo(() => buildGraph(agents), [agents]);
  const { nodes, edges } = useMemo(() => withTraffic(layout, traffic?.edges ?? []), [layout, traffic]);
  return (
    <section>
      <h2>Topology</h2>
      <p className="muted">
        Re-drawn on every push from the registry (update {version}). Dashed red: unresolved. Blue: dependency, animated:
        LLM tools, purple: LLM provider, dotted grey: calls seen in traces between agents no declared edge joins. Edges
        that carried calls show calls, errors and p95; wider is busier, amber/red means errors.
      </p>
      {traffic?.enabled ? <WindowPicker value={windowSeconds} onChange={onWindow} /> : null}
      <div className="graph" data-testid="topology">
        <ReactFlow
          key={version}
          nodes={nodes}
          edges={edges}
          fitView
          fitViewOptions={{ maxZoom: 1.2 }}
          nodesDraggable={false}
          proOptions={{ hideAttribution: true }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </section>
  );
}
