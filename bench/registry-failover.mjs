#!/usr/bin/env node
// How long agents given two registries take to move when theirs is killed (kill -9), and what
// the calls between them see meanwhile. Two of our registries (independent SQLite files), a
// consumer, its provider and --agents more providers, all given both URLs, as processes. A
// closed loop of consumer→provider calls runs throughout. Each round kills the registry the
// agents use and times, per agent, until it is healthy on the other one (polled every 20 ms);
// then the killed registry is started again, empty, on the same port, for the next round.
//
//   npm run build && node bench/registry-failover.mjs [--agents 20] [--interval 5] [--rounds 3]
//
// Writes bench/results/registry-failover.json.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { spawnReady } from "./closed-loop.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    agents: { type: "string", default: "20" },
    interval: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
  },
});
const extra = Number(opts.agents);
const rounds = Number(opts.rounds);
console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}`);

const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});
const dir = mkdtempSync(join(tmpdir(), "bench-registry-failover-"));

function freePort() {
  return new Promise((ok) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function startRegistry(port, db) {
  const child = spawn(process.execPath, [join(root, "packages/registry/bin/mcp-mesh-registry.js")], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: join(dir, db),
      MCP_MESH_LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (
      (await fetch(`${url}/health`)
        .then((r) => r.ok)
        .catch(() => false)) === true
    )
      return { url, child };
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function healthyIds(url) {
  const body = await fetch(`${url}/agents`)
    .then((r) => r.json())
    .catch(() => ({ agents: [] }));
  return new Set((body.agents ?? []).filter((a) => a.status === "healthy").map((a) => a.id));
}

const ports = [await freePort(), await freePort()];
const regs = [await startRegistry(ports[0], "a-0.db"), await startRegistry(ports[1], "b-0.db")];
const env = {
  MCP_MESH_REGISTRY_URL: regs.map((r) => r.url).join(","),
  MCP_MESH_HEALTH_INTERVAL: opts.interval,
  HOST: "127.0.0.1",
  MCP_MESH_HTTP_HOST: "127.0.0.1",
  MCP_MESH_LOG_LEVEL: "warn",
};
const fixture = (f) => join(root, "packages/sdk/test/fixtures", f);
const agents = [
  await spawnReady(process.execPath, [fixture("provider.mjs")], { ...env, AGENT_NAME: "bench-date" }, children),
  await spawnReady(process.execPath, [fixture("consumer.mjs")], { ...env, AGENT_NAME: "bench-user" }, children),
];
for (let i = 0; i < extra; i++)
  agents.push(
    await spawnReady(
      process.execPath,
      [fixture("provider.mjs")],
      { ...env, AGENT_NAME: `bench-extra-${i}`, CAPABILITY: `extra_${i}` },
      children,
    ),
  );
const consumer = agents[1];
const ids = agents.map((a) => a.agentId);
const hello = async () => {
  const res = await fetch(`${consumer.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "hello", arguments: {} } }),
  });
  const text = await res.text();
  if (!text.includes("Hello world! date:CET")) throw new Error(`unexpected answer: ${text.slice(0, 200)}`);
};
for (;;) {
  const on = await healthyIds(regs[0].url);
  if (ids.every((id) => on.has(id))) break;
  await new Promise((r) => setTimeout(r, 50));
}

/** `concurrency` callers calling `hello` back to back until `end()`; failures kept, not thrown. */
function callLoop(concurrency) {
  let stop = false;
  let calls = 0;
  const failures = [];
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stop) {
      try {
        await hello();
        calls++;
      } catch (err) {
        failures.push(err.message);
      }
    }
  });
  return {
    async end() {
      stop = true;
      await Promise.all(workers);
      return { calls, failed: failures.length, ...(failures[0] && { first_failure: failures[0] }) };
    },
  };
}

const rows = [];
let current = 0;
for (let round = 0; round < rounds; round++) {
  const other = 1 - current;
  const loop = callLoop(4);
  await new Promise((r) => setTimeout(r, 500));
  const killedAt = performance.now();
  regs[current].child.kill("SIGKILL");
  const seen = new Map();
  while (seen.size < ids.length && performance.now() - killedAt < 60_000) {
    const on = await healthyIds(regs[other].url);
    for (const id of ids) if (on.has(id) && !seen.has(id)) seen.set(id, performance.now() - killedAt);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 500));
  const calls = await loop.end();
  const times = [...seen.values()].sort((a, b) => a - b);
  const q = (p) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? Number.NaN);
  const row = { round: round + 1, agents: ids.length, moved: seen.size, p50_ms: q(0.5), max_ms: q(1), ...calls };
  rows.push(row);
  console.log(JSON.stringify(row));
  // The killed registry comes back, empty, on its port: the next round kills the other one.
  regs[current] = await startRegistry(ports[current], `${current === 0 ? "a" : "b"}-${round + 1}.db`);
  current = other;
}

console.log("\n| round | agents | moved | time to healthy on the other registry p50 / max (ms) | calls | failed |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows)
  console.log(`| ${r.round} | ${r.agents} | ${r.moved} | ${r.p50_ms} / ${r.max_ms} | ${r.calls} | ${r.failed} |`);
console.log(`load average at end ${loadavg()[0].toFixed(2)}`);
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(
  join(root, "bench/results/registry-failover.json"),
  `${JSON.stringify({ bench: "registry-failover", date: new Date().toISOString(), node: process.version, cores: cpus().length, loadavg_end: loadavg()[0], interval_s: Number(opts.interval), rows }, null, 2)}\n`,
);
for (const c of children) c.kill("SIGTERM");
rmSync(dir, { recursive: true, force: true });
