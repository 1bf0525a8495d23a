#!/usr/bin/env node
// Session-affine calls against plain calls, same consumer, same three provider replicas (their
// own processes), same concurrency, alternating rounds:
//
//   plain    await date({ tz: "UTC" })                        (rotation over the replicas)
//   session  await date({ tz: "UTC" }, { sessionId })         (one of --sessions ids, in turn)
//
// The assignments live in a real Redis (scripts/redis.mjs: 127.0.0.1:6379 if it answers, else a
// redis-server started here), cached per session in the consumer, so most session calls cost
// no Redis round-trip; a cached entry is re-read behind a call at most every 30 s. Target: session
// calls cost at most 10 % more (calls/s and p50). Run after `npm run build`:
//
//   node bench/sessions.mjs [--seconds 4] [--rounds 3] [--levels 1,4,16] [--sessions 1000] [--no-redis]
//
// --no-redis: assignments in the consumer's memory only (what the Redis cache costs, by difference).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mesh } from "@mcp-mesh/sdk";
import { providers, startTestRegistry, waitForDependency } from "@mcp-mesh/sdk/testing";
import { useRedis } from "../scripts/redis.mjs";
import { measure, spawnReady } from "./closed-loop.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "4" },
    rounds: { type: "string", default: "3" },
    levels: { type: "string", default: "1,4,16" },
    sessions: { type: "string", default: "1000" },
    "no-redis": { type: "boolean", default: false },
  },
});
const seconds = Number(opts.seconds);
const rounds = Number(opts.rounds);
const levels = opts.levels.split(",").map(Number);
const sessionIds = Array.from({ length: Number(opts.sessions) }, (_, i) => `bench-session-${i}`);

const load = loadavg()[0];
console.log(`node ${process.version}, ${cpus().length} cores, load average ${load.toFixed(2)}`);
const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

const redis = opts["no-redis"] ? undefined : await useRedis();
if (!redis && !opts["no-redis"]) throw new Error("no Redis: install redis-server (scripts/redis.mjs)");
const registry = await startTestRegistry();
const replicas = [];
for (const name of ["rep-a", "rep-b", "rep-c"])
  replicas.push(
    await spawnReady(
      process.execPath,
      [join(root, "packages/sdk/test/fixtures/provider.mjs")],
      {
        MCP_MESH_REGISTRY_URL: registry.url,
        AGENT_NAME: name,
        HOST: "127.0.0.1",
        MCP_MESH_HTTP_HOST: "127.0.0.1",
        MCP_MESH_LOG_LEVEL: "warn",
      },
      children,
    ),
  );
const consumer = mesh.agent({
  name: "bench-session-consumer",
  httpPort: 0,
  httpHost: "127.0.0.1",
  bindHost: "127.0.0.1",
  registryUrl: registry.url,
  heartbeatInterval: 5,
  autoRun: false,
  handleSignals: false,
  logLevel: "warn",
  env: redis ? { REDIS_URL: redis.url } : {},
});
let proxy = null;
consumer.tool({
  name: "capture",
  dependencies: { date: "date_service" },
  handler: (_a, { date }) => {
    proxy = date;
    return true;
  },
});
await consumer.start();
await waitForDependency(consumer, "date_service");
for (const deadline = Date.now() + 20_000; providers(consumer, "date_service").length < replicas.length; ) {
  if (Date.now() > deadline) throw new Error("the consumer was not wired to the three replicas");
  await new Promise((r) => setTimeout(r, 100));
}
await consumer.callLocal("capture");
let next = 0;
const plain = () => proxy({ tz: "UTC" });
const session = () => proxy({ tz: "UTC" }, { sessionId: sessionIds[next++ % sessionIds.length] });
for (const call of [plain, session]) if ((await call()) !== "date:UTC") throw new Error("unexpected answer");
// First use of every session (the assignment is written to Redis): not what is measured.
for (const sid of sessionIds) await proxy({ tz: "UTC" }, { sessionId: sid });
const commandsBefore = await redisCommands();

const results = [];
for (const concurrency of levels) {
  for (let round = 0; round < rounds; round++)
    for (const [variant, call] of round % 2 === 0
      ? [
          ["plain", plain],
          ["session", session],
        ]
      : [
          ["session", session],
          ["plain", plain],
        ]) {
      await measure(call, concurrency, 0.5);
      const r = await measure(call, concurrency, seconds);
      results.push({ variant, concurrency, round, ...r });
      console.log(
        `  ${variant.padEnd(7)} c=${String(concurrency).padEnd(2)} ${String(r.calls_per_second).padStart(6)} calls/s  p50 ${r.p50_ms.toFixed(3)} ms  p99 ${r.p99_ms.toFixed(3)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ""}`,
      );
    }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const rows = levels.map((c) => {
  const of = (v) => results.filter((r) => r.variant === v && r.concurrency === c);
  const agg = (v) => ({ cps: median(of(v).map((r) => r.calls_per_second)), p50: median(of(v).map((r) => r.p50_ms)) });
  const p = agg("plain");
  const s = agg("session");
  return {
    concurrency: c,
    plain: p,
    session: s,
    cost_pct: (p.cps / s.cps - 1) * 100,
    p50_pct: (s.p50 / p.p50 - 1) * 100,
  };
});
console.log(
  "\n| concurrency | plain calls/s | session calls/s | plain p50 ms | session p50 ms | session cost (calls/s) | p50 |",
);
console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows)
  console.log(
    `| ${r.concurrency} | ${r.plain.cps} | ${r.session.cps} | ${r.plain.p50.toFixed(3)} | ${r.session.p50.toFixed(3)} | ${r.cost_pct >= 0 ? "+" : ""}${r.cost_pct.toFixed(1)} % | ${r.p50_pct >= 0 ? "+" : ""}${r.p50_pct.toFixed(1)} % |`,
  );
const errors = results.reduce((n, r) => n + r.errors, 0);
const redisDuring = redis ? (await redisCommands()) - commandsBefore - 1 : 0; // minus our own INFO
console.log(`Redis commands during the measured rounds: ${redisDuring}`);
console.log(`\nerrors: ${errors}; load average at end ${loadavg()[0].toFixed(2)}; medians of ${rounds} rounds`);
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(
  join(root, "bench/results/sessions.json"),
  `${JSON.stringify({ bench: "sessions", redis: !!redis, date: new Date().toISOString(), node: process.version, cores: cpus().length, loadavg_start: load, loadavg_end: loadavg()[0], seconds, rounds, sessions: sessionIds.length, redis_commands_measured: redisDuring, results, rows }, null, 2)}\n`,
);

await consumer.stop();
await registry.close();
for (const c of children) c.kill("SIGTERM");
await redis?.stop();

/** Commands the Redis server has processed so far (INFO stats), 0 without Redis. */
async function redisCommands() {
  if (!redis) return 0;
  const { createClient } = await import("redis");
  const c = createClient({ url: redis.url });
  await c.connect();
  try {
    const info = String(await c.sendCommand(["INFO", "stats"]));
    return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
  } finally {
    c.destroy();
  }
}
