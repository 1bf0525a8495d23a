// Traffic per edge: every consumer → provider pair that carried calls in the window, busiest
// first, with each tool on it; calls, errors, p50/p95/max latency as the consumer saw them.
import type { TrafficEdge, TrafficView } from "@mcp-mesh/protocol";
import { formatMs } from "../traffic-graph";
import { Card } from "./Card";
import { WindowPicker } from "./WindowPicker";

const agentLink = (id: string, name?: string) => (
  <a href={`#/agents/${encodeURIComponent(id)}`} title={id}>
    {name && name !== id ? name : id}
  </a>
);
const rate = (t: { calls: number; errors: number }) =>
  t.calls === 0 ? "–" : `${((100 * t.errors) / t.calls).toFixed(t.errors === 0 ? 0 : 1)} %`;

export function Traffic({
  view,
  windowSeconds,
  onWindow,
}: {
  view: TrafficView | undefined;
  windowSeconds: number;
  onWindow: (s: number) => void;
}) {
  return (
    <section>
      <h2>Traffic</h2>
      <WindowPicker value={windowSeconds} onChange={onWindow} />
      {view && !view.enabled ? (
        <p className="muted" data-testid="traffic-off">
          No traffic to show: {view.reason ?? "tracing is off"}.
        </p>
      ) : null}
      {view?.enabled ? (
        <>
          <div className="cards">
            <Card title="Calls" value={String(view.total_calls)} testId="traffic-calls" />
            <Card title="Errors" value={String(view.total_errors)} testId="traffic-errors" />
            <Card title="Edges" value={String(view.edges.length)} />
          </div>
          <TrafficTable edges={view.edges} />
        </>
      ) : null}
    </section>
  );
}

export function TrafficTable({ edges }: { edges: TrafficEdge[] }) {
  if (edges.length === 0)
    return <p className="muted">No calls between agents in this window. Calls appear here as their traces arrive.</p>;
  return (
    <table data-testid="traffic-table">
      <thead>
        <tr>
          <th>Consumer → provider</th>
          <th>Tool</th>
          <th className="num">Calls</th>
          <th className="num">Errors</th>
          <th className="num">Error rate</th>
          <th className="num">p50</th>
          <th className="num">p95</th>
          <th className="num">Max</th>
          <th>Last call</th>
        </tr>
      </thead>
      {edges.map((e) => (
        <tbody key={`${e.source}→${e.target}`} data-edge={`${e.source}→${e.target}`}>
          <tr className={e.errors > 0 ? "edge-row has-errors" : "edge-row"}>
            <td>
              {agentLink(e.source, e.source_name)} → {agentLink(e.target, e.target_name)}
            </td>
            <td className="muted">
              {e.tools.length === 1 ? (e.tools[0]?.tool ?? "(no answer)") : `${e.tools.length} tools`}
            </td>
            <td className="num" data-testid="edge-calls">
              {e.calls}
            </td>
            <td className="num" data-testid="edge-errors">
              {e.errors}
            </td>
            <td className="num">{rate(e)}</td>
            <td className="num">{formatMs(e.p50_ms)}</td>
            <td className="num">{formatMs(e.p95_ms)}</td>
            <td className="num">{formatMs(e.max_ms)}</td>
            <td className="muted">{new Date(e.last_call * 1000).toLocaleTimeString()}</td>
          </tr>
          {e.tools.length > 1
            ? e.tools.map((t) => (
                <tr key={t.tool ?? ""} className={t.errors > 0 ? "tool-row has-errors" : "tool-row"}>
                  <td />
                  <td>{t.tool ?? "(no answer)"}</td>
                  <td className="num">{t.calls}</td>
                  <td className="num">{t.errors}</td>
                  <td className="num">{rate(t)}</td>
                  <td className="num">{formatMs(t.p50_ms)}</td>
                  <td className="num">{formatMs(t.p95_ms)}</td>
                  <td className="num">{formatMs(t.max_ms)}</td>
                  <td />
                </tr>
              ))
            : null}
        </tbody>
      ))}
    </table>
  );
}
