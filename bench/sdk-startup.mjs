#!/usr/bin/env node
// Agent process start → resolvable by a dependent. Our registry runs as its own process, a
// consumer agent (in this process) depends on `date_service`; then, each round, a provider agent
// process is spawned and we time:
//
//   ready     spawn → the provider prints READY (started: listening and registered)
//   wired     spawn → the consumer's injected dependency is non-null (pushed on its watch stream)
//   called    spawn → a call through that dependency has returned the provider's answer
//   rewired   READY → wired: how long a running consumer takes to learn of a new provider (the
//             registry's push on the watch stream; the consumer's heartbeat is 5 s away)
//   unwired   SIGTERM to the provider → the consumer's dependency is null again (DELETE, push)
//
// The provider then stops (SIGTERM: it unregisters) and the consumer must see it unwired before
// the next round. The rewired / unwired figures are what packages/sdk/test/two-agents.test.ts
// checks as behaviour only (re-wired, un-wired) without a time limit. Run after `npm run build`:
//
//   node bench/sdk-startup.mjs [--rounds 5]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { mesh } from "@mcp-mesh/sdk";
import { waitForDependency } from "@mcp-mesh/sdk/testing";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({ options: { rounds: { type: "string", default: "5" } } });
const rounds = Number(opts.rounds);

const load = loadavg()[0];
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (load > 1.5) console.warn(`warning: load average ${load.toFixed(2)} > 1.5, numbers will be high and noisy`);

const children = new Set();
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

// ---- registry (its own process, fresh SQLite file) -------------------------------------------

const dataDir = mkdtempSync(join(tmpdir(), "sdk-startup-"));
const port = await freePort();
const registryUrl = `http://127.0.0.1:${port}`;
const registry = spawn(process.execPath, [join(root, "packages/registry/bin/mcp-mesh-registry.js")], {
  env: {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    DATABASE_URL: join(dataDir, "registry.db"),
    MCP_MESH_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "ignore", "inherit"],
});
children.add(registry);
for (let i = 0; ; i++) {
  const up = await fetch(`${registryUrl}/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (up) break;
  if (i > 300) throw new Error("registry did not come up in 15 s");
  await new Promise((r) => setTimeout(r, 50));
}

// ---- consumer (this process) -----------------------------------------------------------------

const consumer = mesh.agent({
  name: "startup-consumer",
  registryUrl,
  httpPort: 0,
  httpHost: "127.0.0.1",
  bindHost: "127.0.0.1",
  autoRun: false,
  handleSignals: false,
  logLevel: "silent",
});
consumer.tool({
  name: "probe",
  dependencies: { date: "date_service" },
  handler: async (_a, { date }) => (date ? await date({ tz: "UTC" }) : null),
});
await consumer.start();
await waitForDependency(consumer, "date_service", { unwired: true });

// ---- rounds ----------------------------------------------------------------------------------

const samples = [];
for (let round = 1; round <= rounds; round++) {
  const agentId = `startup-provider-${round}-${Date.now().toString(36)}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, "packages/sdk/test/fixtures/provider.mjs")], {
    env: {
      ...process.env,
      MCP_MESH_REGISTRY_URL: registryUrl,
      MCP_MESH_AGENT_ID: agentId,
      HOST: "127.0.0.1",
      MCP_MESH_HTTP_HOST: "127.0.0.1",
      MCP_MESH_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  let ready;
  child.stdout.on("data", (d) => {
    if (ready === undefined && String(d).includes("READY")) ready = performance.now() - t0;
  });
  await waitForDependency(consumer, "date_service", { agentId, timeoutMs: 15_000 });
  const wired = performance.now() - t0;
  const answer = await consumer.callLocal("probe");
  const called = performance.now() - t0;
  if (answer !== "date:UTC") throw new Error(`round ${round}: unexpected answer ${JSON.stringify(answer)}`);
  const rewired = ready === undefined ? undefined : wired - ready;
  const exited = new Promise((r) => child.once("exit", r));
  const t1 = performance.now();
  child.kill("SIGTERM");
  await waitForDependency(consumer, "date_service", { unwired: true, timeoutMs: 15_000 });
  const unwired = performance.now() - t1;
  await exited;
  children.delete(child);
  samples.push({ ready, wired, called, rewired, unwired });
  console.log(
    `  round ${round}: ready ${fmt(ready)}  wired ${fmt(wired)}  called ${fmt(called)}  rewired ${fmt(rewired)}  unwired ${fmt(unwired)}${ready === undefined ? " (wired before READY was read)" : ""}`,
  );
}

const stat = (key) => {
  const v = samples.map((s) => s[key]).filter((x) => x !== undefined);
  v.sort((a, b) => a - b);
  return { median: v[Math.floor((v.length - 1) / 2)], max: v[v.length - 1] };
};
const summary = {
  "spawn → ready": stat("ready"),
  "spawn → wired": stat("wired"),
  "spawn → called": stat("called"),
  "READY → re-wired": stat("rewired"),
  "SIGTERM → unwired": stat("unwired"),
};
console.log("\n| figure | median ms | max ms |");
console.log("| --- | ---: | ---: |");
for (const [k, s] of Object.entries(summary)) console.log(`| ${k} | ${s.median.toFixed(0)} | ${s.max.toFixed(0)} |`);
console.log(`\nload average at end ${loadavg()[0].toFixed(2)}`);

await consumer.stop();
registry.kill("SIGTERM");
await new Promise((r) => registry.once("exit", r));
rmSync(dataDir, { recursive: true, force: true });

function fmt(ms) {
  return ms === undefined ? "   -  " : `${ms.toFixed(0).padStart(4)} ms`;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const p = srv.address().port;
      srv.close(() => resolvePort(p));
    });
  });
}
