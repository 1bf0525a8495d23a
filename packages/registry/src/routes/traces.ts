// Tracing endpoints when MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true: GET /trace/{trace_id}
// (TraceView), GET /traces?limit= (TraceListView, most recent first), GET /traces/stream (SSE:
// `event: span` per arriving span), and the reference's /trace/status, /trace/info.
import { ErrorCodes, MeshError, type TraceSpanView, type TraceStreamEvent } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { TraceStore } from "../tracing/trace-store.js";
import { type RawQuery, singleValue } from "./query.js";

/** SSE clients at once; more get 503, so a flood of idle streams cannot exhaust the registry. */
const MAX_STREAMS = 200;

export interface TraceFeed {
  store: TraceStore;
  subscribe(listener: (span: TraceSpanView) => void): () => void;
}

export function traceRoutes(app: FastifyInstance, feed: TraceFeed): void {
  const status = { enabled: true, source: "redis mesh:trace" };
  app.get("/trace/status", async () => status);
  app.get("/trace/info", async () => ({ ...status, config: "MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true" }));
  app.get<{ Params: { id: string } }>("/trace/:id", async (req) => {
    const trace = feed.store.get(req.params.id);
    if (!trace) throw new MeshError(ErrorCodes.NOT_FOUND, `trace ${req.params.id.slice(0, 64)} not found`);
    return trace;
  });
  app.get<{ Querystring: RawQuery }>("/traces", async (req) => {
    const n = Number.parseInt(singleValue(req.query, "limit") ?? "", 10);
    const traces = feed.store.recent(Number.isFinite(n) ? Math.min(Math.max(n, 1), 500) : 50);
    return { traces, count: traces.length };
  });
  let open = 0;
  app.get("/traces/stream", (req, reply) => {
    if (open >= MAX_STREAMS) {
      reply.code(503).send({ error: "too many trace streams" });
      return;
    }
    open++;
    reply.hijack();
    const res = reply.raw;
    // x-accel-buffering: the dashboard reads this stream through ingresses too (nginx buffers otherwise).
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": traces\n\n");
    const send = (span: TraceSpanView) => {
      const event: TraceStreamEvent = { type: "span", span };
      // A client that does not read is dropped rather than buffered without bound.
      if (res.writableLength > 1 << 20) return res.destroy();
      res.write(`event: span\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const off = feed.subscribe(send);
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), 15_000);
    req.raw.on("close", () => {
      open--;
      off();
      clearInterval(keepalive);
    });
  });
}
