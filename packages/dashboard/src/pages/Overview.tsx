import type { TrafficView } from "@mcp-mesh/protocol";
import type { Mesh } from "../use-mesh";
import { Card } from "./Card";
import { EventList } from "./Events";

export function Overview({ mesh, traffic }: { mesh: Mesh; traffic?: TrafficView }) {
  const a = mesh.agents;
  const healthy = a.filter((x) => x.status === "healthy").length;
  const total = a.reduce((n, x) => n + (x.total_dependencies ?? 0), 0);
  const resolved = a.reduce((n, x) => n + (x.dependencies_resolved ?? 0), 0);
  const caps = new Set(a.flatMap((x) => (x.capabilities ?? []).map((c) => c.name)));
  return (
    <section>
      <h2>Overview</h2>
      <div className="cards">
        <Card title="Agents" value={`${a.length}`} />
        <Card title="Healthy" value={`${healthy} / ${a.length}`} testId="healthy-count" />
        <Card title="Dependencies resolved" value={`${resolved} / ${total}`} />
        <Card title="Capabilities" value={`${caps.size}`} />
        {traffic?.enabled ? (
          <Card
            title={`Calls, last ${Math.round(traffic.window_seconds / 60)} min`}
            value={`${traffic.total_calls}${traffic.total_errors ? ` (${traffic.total_errors} failed)` : ""}`}
            testId="overview-calls"
          />
        ) : null}
      </div>
      <h3>Recent events</h3>
      <EventList events={mesh.events.slice(0, 10)} />
    </section>
  );
}
