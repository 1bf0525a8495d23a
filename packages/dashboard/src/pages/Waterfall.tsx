// One trace's hops: the call tree (agent, tool), each span's status, duration and LLM tokens, and
// a bar placed in time. Failed spans are red, with their error.
import { type Span, waterfall } from "../trace";
import { formatMs } from "../traffic-graph";

export function Waterfall({ spans, internal }: { spans: Span[]; internal: boolean }) {
  const rows = waterfall(spans, internal);
  const agents = new Set(rows.map((r) => r.agent).filter(Boolean));
  const end = Math.max(0, ...rows.map((r) => r.offsetMs + r.durationMs));
  const failed = rows.filter((r) => !r.ok).length;
  return (
    <>
      <p className="muted" data-testid="trace-summary">
        {rows.length} span{rows.length === 1 ? "" : "s"} · {agents.size} agent{agents.size === 1 ? "" : "s"} ·{" "}
        {formatMs(end)}
        {failed > 0 ? <span className="error"> · {failed} failed</span> : null}
      </p>
      <table data-testid="waterfall">
        <thead>
          <tr>
            <th>Tool</th>
            <th>Agent</th>
            <th>Status</th>
            <th className="num">Duration</th>
            <th>LLM tokens</th>
            <th style={{ width: "35%" }}>Timeline</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid="span-row" className={r.ok ? "span-row" : "span-row failed"}>
              <td className="tool" style={{ paddingLeft: 8 + r.depth * 18 }}>
                {r.depth > 0 ? <span className="muted">└ </span> : null}
                {r.name}
                {r.iteration !== undefined ? <span className="muted"> (iteration {r.iteration})</span> : null}
              </td>
              <td>{r.agent}</td>
              <td>
                {r.ok ? (
                  <span className="ok">ok</span>
                ) : (
                  <span className="error">failed{r.error ? `: ${r.error}` : ""}</span>
                )}
              </td>
              <td className="num">{formatMs(r.durationMs)}</td>
              <td className="muted">
                {r.tokensIn !== undefined || r.tokensOut !== undefined
                  ? `${r.tokensIn ?? 0} in / ${r.tokensOut ?? 0} out${r.model && !r.name.includes(r.model) ? ` (${r.model})` : ""}`
                  : ""}
              </td>
              <td>
                <div
                  className={r.ok ? "bar" : "bar fail"}
                  style={{ marginLeft: `${r.offset * 100}%`, width: `${Math.min(r.width, 1 - r.offset) * 100}%` }}
                  title={`+${formatMs(r.offsetMs)}, ${formatMs(r.durationMs)}`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
