#!/usr/bin/env node
// A replica that hangs without closing its connections (SIGSTOP), under steady load.
//
// A consumer agent (this process, with the registry in-process) calls capability date_service
// at a fixed rate (open loop: a call is started every 1/rate s whatever the answers do). Two
// provider replicas run as their own processes. After a warm-up, replica "a" gets SIGSTOP: it
// keeps its sockets open and answers nothing, as a stuck or frozen process does. For `--hung`
// seconds (the time a registry with short thresholds would take to mark it unhealthy: this
// registry's threshold is set far longer, so only the consumer's proxy acts) calls are counted
// and timed; then SIGCONT, and the calls replica "a" answers again are counted.
//
// Run for each setting: the default (a timed-out call is not repeated), retryOnTimeout (the
// call moves to the other replica after attemptTimeout) and hedgeAfter (after --hedge ms
// without an answer the call is also sent to the other replica; the first answer wins). Target: a hung replica with a healthy
// alternative costs at most the calls in flight at the moment it hung.
//
//   npm run build && node bench/sdk-hung-replica.mjs [--rate 200] [--hung 10] [--timeout 1000]
//     [--attempt 250] [--hedge 50] [--resume 5] [--log] [--modes default,retryOnTimeout,hedgeAfter]
//
// --log shows the consumer's info log (the ejection and return lines).
// Writes bench/results/sdk-hung-replica.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTestMesh, providers, waitForDependency } from "@mcp-mesh/sdk/testing";
import { spawnReady } from "./closed-loop.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    rate: { type: "string", default: "200" },
    hung: { type: "string", default: "10" },
    timeout: { type: "string", default: "1000" },
    attempt: { type: "string", default: "250" },
    resume: { type: "string", default: "5" },
    warmup: { type: "string", default: "3" },
    log: { type: "boolean", default: false },
    modes: { type: "string", default: "default,retryOnTimeout,hedgeAfter" },
    hedge: { type: "string", default: "50" },
  },
});
const rate = Number(opts.rate);
const hungS = Number(opts.hung);
const timeoutMs = Number(opts.timeout);
const attemptMs = Number(opts.attempt);
const resumeS = Number(opts.resume);
const warmupS = Number(opts.warmup);

console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `rate ${rate}/s, hung ${hungS} s, dependency timeout ${timeoutMs} ms, attemptTimeout ${attemptMs} ms (retry mode), hedgeAfter ${opts.hedge} ms (hedge mode)`,
);

const children = [];
process.on("exit", () => {
  for (const c of children) {
    if (c.exitCode === null) {
      c.kill("SIGCONT");
      c.kill("SIGKILL");
    }
  }
});

const results = [];
for (const mode of opts.modes.split(",")) results.push(await runScenario(mode));

console.log("");
console.log(
  "| setting | calls while hung | failed | in flight at SIGSTOP | p50 ms | p90 ms | p99 ms | max ms | answered by the hung replica after SIGCONT |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const r of results) {
  console.log(
    `| ${r.mode} | ${r.hung.calls} | ${r.hung.failed} | ${r.inFlightAtHang} | ${r.hung.p50} | ${r.hung.p90} | ${r.hung.p99} | ${r.hung.max} | ${r.resumed.byA} of ${r.resumed.calls} (first after ${r.resumed.firstByAms} ms) |`,
  );
}
// In the last second before the hang both replicas are healthy and warm: failures or slow calls
// then mean the machine was too busy for the figures to say anything about the hang.
for (const r of results) {
  if (r.steady.failed > 0 || r.steady.p99 > timeoutMs / 4)
    console.warn(
      `warning: ${r.mode}: ${r.steady.failed} failed calls, p99 ${r.steady.p99} ms in the second before the hang: the machine is overloaded, discard this run`,
    );
}
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(
  join(root, "bench/results/sdk-hung-replica.json"),
  `${JSON.stringify({ when: new Date().toISOString(), node: process.version, rate, hungS, timeoutMs, attemptMs, results }, null, 2)}\n`,
);
process.exit(0);

async function runScenario(mode) {
  const m = await createTestMesh({ heartbeatInterval: 1, timeoutThreshold: 600, healthCheckInterval: 600 });
  const env = {
    MCP_MESH_REGISTRY_URL: m.registry.url,
    HOST: "127.0.0.1",
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    MCP_MESH_LOG_LEVEL: "warn",
    MCP_MESH_HEALTH_INTERVAL: "1",
  };
  const provider = join(root, "packages/sdk/test/fixtures/provider.mjs");
  const a = await spawnReady(process.execPath, [provider], { ...env, AGENT_NAME: "hung-a", REPLY: "a" }, children);
  const b = await spawnReady(process.execPath, [provider], { ...env, AGENT_NAME: "hung-b", REPLY: "b" }, children);
  const consumer = m.agent({ name: "hung-consumer", logLevel: opts.log ? "info" : "warn" });
  let proxy = null;
  const dep = {
    capability: "date_service",
    timeout: timeoutMs,
    ...(mode === "retryOnTimeout" && { retryOnTimeout: true, attemptTimeout: attemptMs }),
    ...(mode === "hedgeAfter" && { hedgeAfter: Number(opts.hedge) }),
  };
  consumer.tool({
    name: "capture",
    dependencies: { date: dep },
    handler: (_a, { date }) => {
      proxy = date;
      return date !== null;
    },
  });
  await m.start();
  // Both replicas wired: the slot lists one as primary and the other as its equal alternative.
  await waitForDependency(consumer, "date_service");
  for (let i = 0; providers(consumer, "date_service").length < 2; i++) {
    if (i > 500) throw new Error("the second replica was never wired");
    await sleep(20);
  }
  for (let i = 0; i < 50; i++) {
    await consumer.callLocal("capture");
    if (proxy) break;
  }
  if (!proxy) throw new Error("the dependency proxy was not injected");

  let inFlight = 0;
  const records = [];
  let phase = "warmup";
  const fire = () => {
    const p = phase;
    const t0 = performance.now();
    inFlight++;
    proxy({ tz: "UTC" }).then(
      (text) => {
        inFlight--;
        records.push({ phase: p, ms: performance.now() - t0, ok: true, by: String(text).split(":")[0], at: t0 });
      },
      () => {
        inFlight--;
        records.push({ phase: p, ms: performance.now() - t0, ok: false, at: t0 });
      },
    );
  };
  // Open loop: catch up on the schedule every tick, so slow answers do not slow the offered rate.
  const start = performance.now();
  let sent = 0;
  const ticker = setInterval(() => {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    while (sent < due) {
      fire();
      sent++;
    }
  }, 2);
  await sleep(warmupS * 1000);
  phase = "hung";
  const hungAt = performance.now();
  const inFlightAtHang = inFlight;
  a.child.kill("SIGSTOP");
  await sleep(hungS * 1000);
  phase = "resumed";
  const resumedAt = performance.now();
  a.child.kill("SIGCONT");
  await sleep(resumeS * 1000);
  clearInterval(ticker);
  const drainUntil = Date.now() + timeoutMs + 2000;
  while (inFlight > 0 && Date.now() < drainUntil) await sleep(20);

  const hung = stats(records.filter((r) => r.phase === "hung"));
  const steady = stats(records.filter((r) => r.phase === "warmup" && r.at >= hungAt - 1000));
  const resumed = records.filter((r) => r.phase === "resumed");
  const byA = resumed.filter((r) => r.ok && r.by === "a");
  const firstByA = byA.length > 0 ? Math.min(...byA.map((r) => r.at)) - resumedAt : Number.NaN;
  const result = {
    mode,
    inFlightAtHang,
    warmup: stats(records.filter((r) => r.phase === "warmup")),
    steady,
    hung,
    resumed: {
      calls: resumed.length,
      failed: resumed.filter((r) => !r.ok).length,
      byA: byA.length,
      firstByAms: Math.round(firstByA),
    },
  };
  console.log(`${mode}: ${JSON.stringify(result)}`);
  await m.close();
  for (const c of [a.child, b.child]) {
    c.kill("SIGKILL");
    await new Promise((r) => (c.exitCode === null && c.signalCode === null ? c.once("exit", r) : r()));
  }
  return result;
}

function stats(rs) {
  const ms = rs.map((r) => r.ms).sort((x, y) => x - y);
  const q = (p) => (ms.length === 0 ? 0 : Number(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1)));
  return {
    calls: rs.length,
    failed: rs.filter((r) => !r.ok).length,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    max: ms.length === 0 ? 0 : Number(ms[ms.length - 1].toFixed(1)),
  };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
