// Look a trace up by id and draw its waterfall. Provisional: reads GET /trace/{id} in the
// reference registry's shape (see ../trace.ts) until our registry serves traces; a registry with
// tracing off says so (GET /trace/status) instead of a failed request.
import { useEffect, useState } from "react";
import { type RawSpan, waterfall } from "../trace";

type State =
  | { kind: "idle" }
  | { kind: "off"; reason: string }
  | { kind: "error"; message: string }
  | { kind: "spans"; spans: RawSpan[] };

export function Traces({ id }: { id?: string }) {
  const [input, setInput] = useState(id ?? "");
  const [internal, setInternal] = useState(false);
  const [state, setState] = useState<State>({ kind: "idle" });
  useEffect(() => {
    let stale = false;
    (async () => {
      const status = (await (await fetch("../trace/status")).json()) as { enabled?: boolean; reason?: string };
      if (!status.enabled) return setState({ kind: "off", reason: status.reason ?? "tracing is disabled" });
      if (!id) return setState({ kind: "idle" });
      const res = await fetch(`../trace/${encodeURIComponent(id)}`);
      const body = (await res.json()) as { spans?: RawSpan[]; error?: string };
      if (!res.ok || !body.spans) throw new Error(body.error ?? `HTTP ${res.status}`);
      if (!stale) setState({ kind: "spans", spans: body.spans });
    })().catch((e: Error) => !stale && setState({ kind: "error", message: e.message }));
    return () => {
      stale = true;
    };
  }, [id]);
  return (
    <section>
      <h2>Traces</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          location.hash = `#/traces/${encodeURIComponent(input.trim())}`;
        }}
      >
        <input
          placeholder="trace id (32 hex)"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          aria-label="trace id"
        />{" "}
        <label>
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> internal spans
        </label>
      </form>
      {state.kind === "off" ? (
        <p className="muted" data-testid="tracing-off">
          Tracing is not enabled on this registry ({state.reason}). Set MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true on the
          agents and the registry.
        </p>
      ) : null}
      {state.kind === "error" ? <p className="error">{state.message}</p> : null}
      {state.kind === "spans" ? <Waterfall spans={state.spans} internal={internal} /> : null}
    </section>
  );
}

function Waterfall({ spans, internal }: { spans: RawSpan[]; internal: boolean }) {
  const rows = waterfall(spans, internal);
  return (
    <table data-testid="waterfall">
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td style={{ paddingLeft: 8 + r.depth * 16 }}>
              {r.name} <span className="muted">{r.agent}</span>
            </td>
            <td className="muted">{r.durationMs.toFixed(1)} ms</td>
            <td style={{ width: "50%" }}>
              <div
                className={r.ok ? "bar" : "bar fail"}
                style={{ marginLeft: `${r.offset * 100}%`, width: `${r.width * 100}%` }}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
