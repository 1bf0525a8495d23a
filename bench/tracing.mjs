#!/usr/bin/env node
// Tracing's cost on agent -> agent calls: the same consumer -> provider pair (each agent its own
// process) with tracing off, with Redis export on (MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true) and
// with OTLP export on (to a local receiver that only counts). This process calls the consumer's
// `hello` (which calls the provider) at a fixed concurrency.
//
// On a shared 2-core machine throughput alone swings 2-3x between seconds, so the measurement is
// built to survive that: short slices, every round runs each variant once in a fresh random
// order, and the verdict is the median over rounds of each variant's ratio to the `off` slice of
// the SAME round (paired, so load drift cancels). Beside throughput it reports CPU time per call
// of the two agent processes (from /proc: what tracing really costs, nearly independent of
// other load), the 1-minute load average of every round, and the off path's own cost (the
// observer with no exporter, timed in this process). Run after `npm run build`:
//
//   node bench/tracing.mjs [--seconds 1] [--rounds 15] [--concurrency 8]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { useRedis } from "../scripts/redis.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "1" },
    rounds: { type: "string", default: "15" },
    concurrency: { type: "string", default: "8" },
  },
});
const seconds = Number(opts.seconds);
const concurrency = Number(opts.concurrency);
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

function spawnReady(args, env, pattern) {
  return new Promise((resolveReady, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let out = "";
    const onData = (d) => {
      out += d;
      const m = pattern.exec(out);
      if (m) resolveReady({ child, url: m[1], pid: child.pid });
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

const redis = await useRedis();
if (!redis) throw new Error("no Redis (scripts/redis.mjs)");
let otlpSpans = 0;
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => {
    otlpSpans += (body.match(/"spanId"/g) ?? []).length;
    res.end("{}");
  });
});
await new Promise((r) => receiver.listen(0, "127.0.0.1", r));
const otlpUrl = `http://127.0.0.1:${receiver.address().port}`;

const registry = await spawnReady(
  [join(root, "packages/registry/bin/mcp-mesh-registry.js")],
  { PORT: "0", HOST: "127.0.0.1", DATABASE_URL: ":memory:", MCP_MESH_LOG_LEVEL: "info" },
  /"url":"(http:\/\/[^"]+)"/,
);
const base = {
  MCP_MESH_REGISTRY_URL: registry.url,
  MCP_MESH_LOG_LEVEL: "warn",
  HOST: "127.0.0.1",
  MCP_MESH_HTTP_HOST: "127.0.0.1",
};
const VARIANTS = {
  off: {},
  redis: { MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true", REDIS_URL: redis.url },
  otlp: { OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl },
};
const fixtures = join(root, "packages/sdk/test/fixtures");
const consumers = {};
for (const [name, env] of Object.entries(VARIANTS)) {
  // Each pair has its own capability, so a consumer only reaches its own provider.
  const cap = `date_${name}`;
  const p = await spawnReady(
    [join(fixtures, "provider.mjs")],
    { ...base, ...env, AGENT_NAME: `p-${name}`, CAPABILITY: cap },
    /READY (\S+)/,
  );
  const c = await spawnReady(
    [join(fixtures, "consumer.mjs")],
    { ...base, ...env, AGENT_NAME: `c-${name}`, DEP_CAPABILITY: cap },
    /READY (\S+)/,
  );
  consumers[name] = { url: c.url, pids: [p.pid, c.pid] };
}

let id = 0;
async function hello(url) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: id++, method: "tools/call", params: { name: "hello", arguments: {} } }),
  });
  const text = await res.text();
  if (!text.includes("date:CET")) throw new Error(`not wired: ${text.slice(0, 200)}`);
}
for (const { url } of Object.values(consumers)) {
  for (let i = 0; ; i++) {
    try {
      await hello(url);
      break;
    } catch (e) {
      if (i > 200) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name; in clock ticks.
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function measure({ url, pids }, secs) {
  let calls = 0;
  const cpu0 = pids.reduce((n, pid) => n + cpuSeconds(pid), 0);
  const t0 = performance.now();
  const end = Date.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await hello(url);
        calls++;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpu = pids.reduce((n, pid) => n + cpuSeconds(pid), 0) - cpu0;
  return { rate: calls / wall, cpuPerCallUs: (cpu / calls) * 1e6 };
}

/**
 * What tracing adds to one call's CPU, timed in this process where other load hardly shows:
 * the call's three spans (the consumer's inbound span and its proxy_call_wrapper, the provider's
 * inbound span) through the observer with no exporter (the off path), and with the Redis sink
 * sending them to the real Redis (flushes included). Interleaved, median of 7 rounds; us per call.
 */
async function spanCpuUs() {
  const { createCallObserver } = await import(join(root, "packages/sdk/dist/tracing/observer.js"));
  const { createRedisSpanSink } = await import(join(root, "packages/sdk/dist/tracing/redis-export.js"));
  const { default: pino } = await import("pino");
  const sink = createRedisSpanSink(redis.url, 100_000, pino({ level: "silent" }));
  const who = {
    agentId: "b-1a2b3c4d",
    name: "b",
    namespace: "default",
    host: "127.0.0.1",
    port: 1,
    endpoint: "http://x",
  };
  const observers = { off: createCallObserver(() => who, undefined), redis: createCallObserver(() => who, sink) };
  const reader = createClient({ url: redis.url });
  await reader.connect();
  const calls = 2000;
  const round = async (observer) => {
    const t0 = process.cpuUsage();
    let last = "";
    for (let b = 0; b < calls / 50; b++) {
      for (let i = 0; i < 50; i++) {
        const ctx = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpan: undefined, headers: {} };
        const span = observer.inbound(ctx, "hello", 1, ["date_service"]);
        span.child("proxy_call_wrapper", "tools/call get_date", {}, ["http://127.0.0.1:1"]).end({});
        observer.inbound({ ...ctx, parentSpan: "00f067aa0ba902b7" }, "get_date", 1, []).end({});
        span.end({});
        last = span.id;
      }
      // Let the sink flush, as it does between calls in an agent.
      await new Promise((r) => setTimeout(r, 0));
    }
    // The round's CPU counts until its last span is in Redis (a few polls of the reader included).
    if (observer === observers.redis)
      for (;;) {
        const tail = await reader.xRevRange("mesh:trace", "+", "-", { COUNT: 20 });
        if (tail.some((e) => e.message.span_id === last)) break;
        await new Promise((r) => setTimeout(r, 5));
      }
    const all = process.cpuUsage(t0);
    return (all.user + all.system) / calls;
  };
  const out = { off: [], redis: [] };
  await round(observers.off);
  for (let i = 0; i < 7; i++) for (const k of ["off", "redis"]) out[k].push(await round(observers[k]));
  reader.destroy();
  await sink.close();
  return { off: median(out.off), redis: median(out.redis) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const names = Object.keys(VARIANTS);
const results = Object.fromEntries(names.map((k) => [k, []]));
const loads = [];
for (let round = 0; round < Number(opts.rounds); round++) {
  // A fresh order each round, so no variant always runs right after another's burst.
  const order = [...names].sort(() => Math.random() - 0.5);
  for (const name of order) {
    await measure(consumers[name], 0.3);
    results[name][round] = await measure(consumers[name], seconds);
  }
  loads.push(loadavg()[0]);
}

const off = results.off;
console.log(
  `concurrency ${concurrency}, ${opts.rounds} rounds x ${seconds} s per variant, random order per round; load average per round ${loads.map((l) => l.toFixed(1)).join(" ")}`,
);
console.log(
  "variant  calls/s (median)  throughput vs off, paired (median [min-max])  CPU us/call (median)  CPU vs off, paired (median [min-max])",
);
const range = (xs) =>
  `${(median(xs) * 100).toFixed(0)} % [${(Math.min(...xs) * 100).toFixed(0)}-${(Math.max(...xs) * 100).toFixed(0)} %]`;
for (const name of names) {
  const xs = results[name];
  const rate = xs.map((x, i) => x.rate / (off[i]?.rate ?? Number.NaN));
  const cpu = xs.map((x, i) => x.cpuPerCallUs / (off[i]?.cpuPerCallUs ?? Number.NaN));
  console.log(
    `  ${name.padEnd(6)} ${median(xs.map((x) => x.rate))
      .toFixed(0)
      .padStart(8)}  ${range(rate).padStart(24)}  ${median(xs.map((x) => x.cpuPerCallUs))
      .toFixed(0)
      .padStart(12)}  ${range(cpu).padStart(24)}`,
  );
}
const spans = await spanCpuUs();
const offCpu = median(off.map((x) => x.cpuPerCallUs));
const added = spans.redis - spans.off;
console.log(
  `span work per call (3 spans, CPU, this process): off path ${spans.off.toFixed(1)} us (${((spans.off / offCpu) * 100).toFixed(2)} % of a call's ${offCpu.toFixed(0)} us), Redis export ${spans.redis.toFixed(1)} us: +${added.toFixed(1)} us, so a CPU-bound mesh keeps ${((offCpu / (offCpu + added)) * 100).toFixed(0)} % of its throughput`,
);
console.log(
  `OTLP receiver got ${otlpSpans} spans; load average at end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
await redis.stop?.();
receiver.close();
process.exit(0);
