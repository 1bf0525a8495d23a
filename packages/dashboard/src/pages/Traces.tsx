// Live traces: the registry's recent traces (GET /traces), kept current by the spans it pushes
// on /traces/stream, and the waterfall of the one picked (GET /trace/{id}, then its spans as they
// arrive). With tracing off the page says so, without a failed request.
import type { TraceSpanView, TraceStreamEvent, TraceSummary } from "@mcp-mesh/protocol";
import { useEffect, useState } from "react";
import { fetchTrace, fetchTraces, fetchTracingStatus, TRACES_STREAM_PATH } from "../api";
import { followStream } from "../event-source";
import { applySpan } from "../live-traces";
import { readSpan, type Span, spansOf } from "../trace";
import { formatMs } from "../traffic-graph";
import { Waterfall } from "./Waterfall";

type Status =
  | { kind: "loading" }
  | { kind: "off"; reason: string }
  | { kind: "on" }
  | { kind: "error"; message: string };
const FLUSH_MS = 200;
const RESYNC_MS = 1000;
type Picked = { id: string; spans: Span[]; missing: boolean } | undefined;

export function Traces({ id }: { id?: string }) {
  const [status, setStatus] = useState<Status>({ kind: "loading" });
  const [traces, setTraces] = useState<TraceSummary[]>([]);
  const [picked, setPicked] = useState<Picked>();
  const [live, setLive] = useState(false);
  const [internal, setInternal] = useState(false);
  const [input, setInput] = useState(id ?? "");

  useEffect(() => {
    let stopped = false;
    let close: (() => void) | undefined;
    const pending: TraceSpanView[] = [];
    let flush: ReturnType<typeof setTimeout> | undefined;
    let resyncTimer: ReturnType<typeof setTimeout> | undefined;
    // Folding spans in shows a call at once, but a span the list fetched may arrive on the stream
    // too (it cannot tell): a fetch started after every batch puts the counts right.
    const resync = () => {
      resyncTimer ??= setTimeout(() => {
        resyncTimer = undefined;
        fetchTraces(50).then(
          (t) => !stopped && setTraces(t),
          () => {},
        );
      }, RESYNC_MS);
    };
    fetchTracingStatus()
      .then((s) => {
        if (stopped) return;
        if (!s.enabled) return setStatus({ kind: "off", reason: s.reason ?? "tracing is disabled" });
        setStatus({ kind: "on" });
        close = followStream(TRACES_STREAM_PATH, {
          // Also after a reconnect: catch up with what arrived meanwhile.
          onOpen: () => {
            setLive(true);
            fetchTraces(50).then(
              (t) => !stopped && setTraces(t),
              () => {},
            );
          },
          onDown: () => setLive(false),
          events: {
            span: (data) => {
              const span = spanOfEvent(data);
              if (!span || stopped) return;
              // A busy mesh pushes hundreds of spans a second: apply them in one render per FLUSH_MS.
              pending.push(span);
              flush ??= setTimeout(() => {
                flush = undefined;
                const batch = pending.splice(0);
                if (stopped) return;
                setTraces((list) => batch.reduce((l, sp) => applySpan(l, sp), list));
                resync();
                setPicked((p) => {
                  if (!p) return p;
                  const known = new Set(p.spans.map((x) => x.id));
                  const mine: Span[] = [];
                  for (const sp of batch) {
                    const x = sp.trace_id === p.id ? readSpan(sp) : undefined;
                    if (!x || known.has(x.id)) continue;
                    known.add(x.id);
                    mine.push(x);
                  }
                  return mine.length > 0 ? { ...p, spans: [...p.spans, ...mine], missing: false } : p;
                });
              }, FLUSH_MS);
            },
          },
        });
      })
      .catch((e: Error) => !stopped && setStatus({ kind: "error", message: e.message }));
    return () => {
      stopped = true;
      clearTimeout(flush);
      clearTimeout(resyncTimer);
      close?.();
    };
  }, []);

  useEffect(() => {
    setInput(id ?? "");
    if (!id || status.kind !== "on") return setPicked(undefined);
    let stale = false;
    setPicked({ id, spans: [], missing: false });
    fetchTrace(id)
      .then((t) => {
        if (stale) return;
        // Spans pushed while the request was out are kept.
        setPicked((p) => {
          const known = new Set((p?.spans ?? []).map((s) => s.id));
          const fetched = spansOf(t).filter((s) => !known.has(s.id));
          const spans = [...(p?.spans ?? []), ...fetched];
          return { id, spans, missing: spans.length === 0 };
        });
      })
      .catch((e: Error) => !stale && setStatus({ kind: "error", message: e.message }));
    return () => {
      stale = true;
    };
  }, [id, status.kind]);

  return (
    <section>
      <h2>Traces</h2>
      {status.kind === "off" ? (
        <p className="muted" data-testid="tracing-off">
          Tracing is not enabled on this registry ({status.reason}). Set MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true on
          the agents and the registry.
        </p>
      ) : null}
      {status.kind === "error" ? <p className="error">{status.message}</p> : null}
      {status.kind === "on" ? (
        <>
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
            <span className={live ? "muted live-dot on" : "muted live-dot"} data-testid="traces-live">
              {live ? "● following new traces" : "○ connecting"}
            </span>
          </form>
          <TraceList traces={traces} selected={id} />
          {picked ? (
            <div className="trace-detail">
              <h3>
                Trace <code>{picked.id}</code>{" "}
                <label className="muted">
                  <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.target.checked)} /> internal
                  spans
                </label>
              </h3>
              {picked.missing ? (
                <p className="muted">
                  The registry holds no spans of this trace (yet); they appear here as they arrive.
                </p>
              ) : (
                <Waterfall spans={picked.spans} internal={internal} />
              )}
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** `{type:"span", span}` as our registry sends it; a bare span is accepted too. */
function spanOfEvent(data: unknown): TraceSpanView | undefined {
  const d = data as Partial<TraceStreamEvent> & Partial<TraceSpanView>;
  if (d && "span" in d && d.span && typeof d.span === "object") return d.span as TraceSpanView;
  if (d && typeof d.trace_id === "string" && typeof d.span_id === "string") return d as TraceSpanView;
  return undefined;
}

function TraceList({ traces, selected }: { traces: TraceSummary[]; selected?: string }) {
  if (traces.length === 0)
    return <p className="muted">No traces yet. Make a call with tracing on and it appears here at once.</p>;
  return (
    <table data-testid="trace-list">
      <thead>
        <tr>
          <th>Started</th>
          <th>Root</th>
          <th>Agents</th>
          <th className="num">Spans</th>
          <th className="num">Duration</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((t) => (
          <tr
            key={t.trace_id}
            data-trace={t.trace_id}
            className={`${t.success ? "" : "has-errors"} ${t.trace_id === selected ? "selected" : ""}`}
          >
            <td className="muted">{new Date(t.start_time * 1000).toLocaleTimeString()}</td>
            <td>
              <a href={`#/traces/${t.trace_id}`}>{t.root_operation ?? "(root not arrived)"}</a>{" "}
              <span className="muted">{t.root_agent ?? ""}</span>
            </td>
            <td>{[...(t.agents ?? [])].sort().join(", ")}</td>
            <td className="num">{t.span_count}</td>
            <td className="num">{formatMs(t.duration_ms)}</td>
            <td>{t.success ? <span className="ok">ok</span> : <span className="error">failed</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
