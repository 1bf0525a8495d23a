import { Background, Controls, ReactFlow } from "@xyflow/react";
import { useMemo } from "react";
import type { Agent } from "../api";
import { buildGraph } from "../graph";

export function Topology({ agents, version }: { agents: Agent[]; version: number }) {
  const { nodes, edges } = useMemo(() => buildGraph(agents), [agents]);
  return (
    <section>
      <h2>Topology</h2>
      <p className="muted">
        Re-drawn on every push from the registry (update {version}). Dashed red: unresolved. Blue: dependency, animated:
        LLM tools, purple: LLM provider.
      </p>
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
