// Traffic per edge: GET /traffic?window=5m (TrafficView) and GET /traffic/stream?window=5m
// (SSE: an `event: traffic` with the TrafficView on connect, then whenever the counts change,
// at most once a second). Streams of one window share one computation per second, made only
// while someone watches. With tracing off both answer `enabled: false` (no failed request).
import { ErrorCodes, MeshError, type TrafficView } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { TrafficAggregator } from "../tracing/traffic.js";
import { type RawQuery, singleValue } from "./query.js";

const MAX_STREAMS = 200;
const TICK_MS = 1000;
const MIN_WINDOW_S = 10;
const MAX_WINDOW_S = 3600;
const DEFAULT_WINDOW_S = 300;

/** `300`, `300s`, `5m` or `1h` → seconds, between 10 s and the hour the registry keeps. */
export function windowSeconds(raw: string | undefined): number {
  if (raw === undefined || raw === "") return DEFAULT_WINDOW_S;
  const m = /^(\d{1,7})(s|m|h)?$/.exec(raw.trim());
  const s = m ? Number(m[1]) * ({ s: 1, m: 60, h: 3600 }[m[2] ?? "s"] ?? 1) : Number.NaN;
  if (!(s >= MIN_WINDOW_S && s <= MAX_WINDOW_S))
    throw new MeshError(
      ErrorCodes.BAD_REQUEST,
      `window must be between ${MIN_WINDOW_S}s and 1h (e.g. 300, 5m, 1h); got '${raw.slice(0, 32)}'`,
    );
  return s;
}

export function trafficRoutes(app: FastifyInstance, traffic: TrafficAggregator | undefined): void {
  const view = (w: number): TrafficView =>
    traffic?.view(w) ?? {
      enabled: false,
      reason: "tracing is off: set MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true on the registry and the agents",
      window_seconds: w,
      until: Date.now() / 1000,
      total_calls: 0,
      total_errors: 0,
      edges: [],
    };
  app.get<{ Querystring: RawQuery }>("/traffic", async (req) => view(windowSeconds(singleValue(req.query, "window"))));

  const groups = new Map<
    number,
    { sinks: Set<(frame: string) => void>; timer: NodeJS.Timeout; last: string; stamp: string }
  >();
  const frameOf = (v: TrafficView) => `event: traffic\ndata: ${JSON.stringify(v)}\n\n`;
  /** What a change means: the counts, not `until`, which moves every second. */
  const contentOf = (v: TrafficView) => JSON.stringify([v.total_calls, v.total_errors, v.edges]);
  const join = (w: number, sink: (frame: string) => void) => {
    let g = groups.get(w);
    if (!g) {
      const first = view(w);
      const group = {
        sinks: new Set<(frame: string) => void>(),
        last: contentOf(first),
        stamp: traffic?.stamp() ?? "",
        timer: setInterval(() => {
          // A view over an hour of buckets costs milliseconds: skip it when nothing can have changed.
          const stamp = traffic?.stamp() ?? "";
          if (stamp === group.stamp) return;
          group.stamp = stamp;
          const v = view(w);
          const content = contentOf(v);
          if (content === group.last) return;
          group.last = content;
          const frame = frameOf(v);
          for (const s of group.sinks) s(frame);
        }, TICK_MS),
      };
      group.timer.unref();
      g = group;
      groups.set(w, g);
    }
    const group = g;
    group.sinks.add(sink);
    sink(frameOf(view(w)));
    return () => {
      group.sinks.delete(sink);
      if (group.sinks.size > 0) return;
      clearInterval(group.timer);
      groups.delete(w);
    };
  };

  let open = 0;
  app.get<{ Querystring: RawQuery }>("/traffic/stream", async (req, reply) => {
    const w = windowSeconds(singleValue(req.query, "window"));
    if (open >= MAX_STREAMS)
      return reply
        .code(429)
        .header("retry-after", "5")
        .send({ error: `too many traffic streams open (at most ${MAX_STREAMS}); retry later` });
    open++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": traffic\n\n");
    const leave = join(w, (frame) => {
      // A client that does not read is dropped rather than buffered without bound.
      if (res.writableLength > 1 << 20) return void res.destroy();
      res.write(frame);
    });
    const keepalive = setInterval(() => res.write(": keepalive\n\n"), 15_000);
    keepalive.unref();
    res.on("close", () => {
      open--;
      clearInterval(keepalive);
      leave();
    });
  });
}
