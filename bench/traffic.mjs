#!/usr/bin/env node
// What traffic per edge costs the registry (packages/registry/src/tracing/traffic.ts), in
// process: spans per second the aggregator takes (each call three spans: consumer, wrapper,
// provider, the provider's first as it usually arrives), and the time of one view — what
// GET /traffic and each tick of /traffic/stream compute — over an hour of calls on many edges.
// Run after `npm run build`:
//
//   node bench/traffic.mjs [--calls 200000] [--edges 50]
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createTrafficAggregator } from "../packages/registry/dist/tracing/traffic.js";

const { values: opts } = parseArgs({
  options: { calls: { type: "string", default: "200000" }, edges: { type: "string", default: "50" } },
});
const calls = Number(opts.calls);
const edges = Number(opts.edges);
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const hex = (n, len) => n.toString(16).padStart(len, "0");
let now = Date.parse("2026-01-01T00:00:00Z");
const t = createTrafficAggregator({ clock: () => now });
const span = (trace, id, parent, agent, op, ms, ok = true) => ({
  trace_id: hex(trace, 32),
  span_id: hex(id, 16),
  parent_span: parent === null ? null : hex(parent, 16),
  operation: op,
  agent_id: agent,
  agent_name: agent,
  start_time: now / 1000,
  end_time: now / 1000 + ms / 1000,
  duration_ms: ms,
  success: ok,
  internal: op === "proxy_call_wrapper",
  attributes: { dependencies: '["http://127.0.0.1:9000"]' },
});

// The calls spread over one hour, so every 10 s bucket of the hour holds some.
const stepMs = 3_600_000 / calls;
const started = process.hrtime.bigint();
for (let i = 0; i < calls; i++) {
  now += stepMs;
  const e = i % edges;
  const ms = 1 + (i % 97);
  const ok = i % 50 !== 0;
  t.add(span(i, 3 * i + 3, 3 * i + 2, `provider-${e}`, `tool-${e % 5}`, ms - 0.5, ok));
  t.add(span(i, 3 * i + 2, 3 * i + 1, `consumer-${e}`, "proxy_call_wrapper", ms, ok));
  t.add(span(i, 3 * i + 1, null, `consumer-${e}`, "handler", ms + 0.5, ok));
}
const addSeconds = Number(process.hrtime.bigint() - started) / 1e9;
const spansPerSecond = (3 * calls) / addSeconds;

const viewMs = (windowSeconds, rounds = 20) => {
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const s = process.hrtime.bigint();
    t.view(windowSeconds);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
};
const hour = t.view(3600);
console.log(`${calls} calls on ${edges} edges over an hour; counted ${hour.total_calls} (${hour.total_errors} errors)`);
console.log(`add: ${Math.round(spansPerSecond).toLocaleString("en")} spans/s`);
console.log(`view 5 min: ${viewMs(300).toFixed(2)} ms (median of 20)`);
console.log(`view 1 h:   ${viewMs(3600).toFixed(2)} ms (median of 20)`);
console.log(`heap used:  ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
