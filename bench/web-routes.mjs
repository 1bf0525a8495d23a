#!/usr/bin/env node
// What `meshRoute` costs a web request: an Express app (this process) whose route calls a
// provider agent (its own process, packages/sdk/test/fixtures/provider.mjs) through the mesh,
//
//   direct     app.post("/x", async (req, res) => res.json(await date({ tz })))  with the proxy
//              taken once from the web app's wiring: a handler calling the proxy directly
//   meshRoute  app.post("/x", meshRoute({ date }, async (req, res, { date }) => ...))
//
// requests sent by one undici client from this process, 1 or more in flight, variants
// alternating round by round. Prints p50/p99 per variant and the p50 difference, and the
// in-process cost of the wrapper's work alone (dependencies, headers, current call) without
// HTTP. Run after `npm run build`:
//
//   node bench/web-routes.mjs [--rounds 6] [--seconds 3] [--concurrency 1]
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MeshApi, meshRoute } from "@mcp-mesh/sdk/express";
import { startTestRegistry } from "@mcp-mesh/sdk/testing";
import express from "express";
import { Agent, request } from "undici";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "1" },
  },
});
const rounds = Number(opts.rounds);
const seconds = Number(opts.seconds);
const concurrency = Number(opts.concurrency);

console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);

const registry = await startTestRegistry();
const provider = await spawnReady(join(root, "packages/sdk/test/fixtures/provider.mjs"), {
  MCP_MESH_REGISTRY_URL: registry.url,
  MCP_MESH_HTTP_HOST: "127.0.0.1",
  HOST: "127.0.0.1",
  MCP_MESH_LOG_LEVEL: "silent",
  MCP_MESH_HEALTH_INTERVAL: "1",
});

const api = new MeshApi({
  name: "bench-web",
  registryUrl: registry.url,
  httpHost: "127.0.0.1",
  heartbeatInterval: 1,
  logLevel: "silent",
  autoRun: false,
  handleSignals: false,
  env: {},
});
const deps = { date: { capability: "date_service", required: true } };
const direct = api.declare(deps, "direct");
const app = express();
app.use(express.json());
app.post(
  "/meshroute",
  meshRoute(deps, async (req, res, { date }) => res.json(await date({ tz: req.body.tz })), { api }),
);
await api.start();
const { date } = await direct.deps(); // waits for the first resolution
if (!date) throw new Error("date_service is not wired");
app.post("/direct", async (req, res) => res.json(await date({ tz: req.body.tz })));
const server = app.listen(0, "127.0.0.1");
await new Promise((r) => server.once("listening", r));
const base = `http://127.0.0.1:${server.address().port}`;
const client = new Agent({ connections: concurrency, keepAliveTimeout: 30_000 });

async function post(path) {
  const res = await request(`${base}${path}`, {
    method: "POST",
    dispatcher: client,
    headers: { "content-type": "application/json", "x-request-id": "bench" },
    body: '{"tz":"UTC"}',
  });
  const text = await res.body.text();
  if (res.statusCode !== 200 || text !== '"date:UTC"') throw new Error(`${path}: ${res.statusCode} ${text}`);
}

async function measure(path, ms) {
  const samples = [];
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await post(path);
        samples.push(performance.now() - t);
      }
    }),
  );
  return samples;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const all = { direct: [], meshroute: [] };
const perRound = [];
await measure("/direct", 1000);
await measure("/meshroute", 1000);
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? ["direct", "meshroute"] : ["meshroute", "direct"];
  const row = {};
  for (const v of order) {
    const s = (await measure(`/${v}`, seconds * 1000)).sort((a, b) => a - b);
    all[v].push(...s);
    row[v] = pct(s, 50);
  }
  perRound.push(row.meshroute - row.direct);
  console.log(
    `round ${r + 1}: p50 direct ${row.direct.toFixed(3)} ms, meshRoute ${row.meshroute.toFixed(3)} ms, difference ${(row.meshroute - row.direct).toFixed(3)} ms`,
  );
}
for (const v of ["direct", "meshroute"]) {
  const s = all[v].sort((a, b) => a - b);
  console.log(
    `${v.padEnd(9)} ${s.length} requests, p50 ${pct(s, 50).toFixed(3)} ms, p99 ${pct(s, 99).toFixed(3)} ms, ${(s.length / (rounds * seconds)).toFixed(0)} req/s`,
  );
}
const diffs = [...perRound].sort((a, b) => a - b);
console.log(
  `route overhead (p50 meshRoute - p50 direct, median of ${rounds} rounds): ${pct(diffs, 50).toFixed(3)} ms (target <= 0.2 ms)`,
);

// The wrapper's own work, without HTTP or a provider: runRoute with an answered dependency.
const { runRoute } = await import(join(root, "packages/sdk/dist/routes/run-route.js"));
const slots = { api: { propagateHeaders: ["authorization", "x-request-*"] }, deps: async () => ({}) };
const headers = { "content-type": "application/json", "x-request-id": "bench", authorization: "Bearer x" };
const N = 200_000;
for (let i = 0; i < 20_000; i++) await runRoute(slots, headers, () => 1);
const t0 = performance.now();
for (let i = 0; i < N; i++) await runRoute(slots, headers, () => 1);
console.log(`runRoute alone: ${(((performance.now() - t0) / N) * 1000).toFixed(2)} µs per request`);

client.close();
server.closeAllConnections();
server.close();
await api.stop();
provider.kill("SIGTERM");
await registry.close();

function spawnReady(file, env) {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  process.on("exit", () => child.exitCode === null && child.kill("SIGKILL"));
  let log = "";
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`provider not ready in 20 s:\n${log}`)), 20_000);
    child.stdout.on("data", (c) => {
      log += c;
      if (/READY /.test(log)) {
        clearTimeout(timer);
        ok(child);
      }
    });
    child.stderr.on("data", (c) => (log += c));
  });
}
