// Agent → agent call throughput: a provider agent in its own process, a consumer here whose tool
// calls the provider through the injected proxy. Run after `npm run build`:
//   node packages/sdk/bench/call-throughput.mjs [seconds=10] [concurrency=16]
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createTestMesh, waitForDependency } from "@mcp-mesh/sdk/testing";

const seconds = Number(process.argv[2] ?? 10);
const concurrency = Number(process.argv[3] ?? 16);
const m = await createTestMesh({ heartbeatInterval: 5 });
const provider = spawn(process.execPath, [fileURLToPath(new URL("../test/fixtures/provider.mjs", import.meta.url))], {
  env: {
    ...process.env,
    MCP_MESH_REGISTRY_URL: m.registry.url,
    HOST: "127.0.0.1",
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    MCP_MESH_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
await new Promise((resolve) => provider.stdout.on("data", (d) => String(d).includes("READY") && resolve()));
const consumer = m.agent({ name: "bench-consumer" });
consumer.tool({
  name: "relay",
  dependencies: { date: { capability: "date_service", required: true } },
  handler: (_a, { date }) => date({ tz: "UTC" }),
});
await m.start();
await waitForDependency(consumer, "date_service");

const latencies = [];
let calls = 0;
let errors = 0;
const until = performance.now() + seconds * 1000;
async function worker() {
  while (performance.now() < until) {
    const t0 = performance.now();
    try {
      await consumer.callLocal("relay");
      calls++;
      latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  }
}
// Warm up, then measure.
for (let i = 0; i < 2000; i++) await consumer.callLocal("relay");
const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.floor((latencies.length - 1) * p)]?.toFixed(3);
console.log(
  JSON.stringify({
    calls_per_second: Math.round(calls / elapsed),
    calls,
    errors,
    concurrency,
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
  }),
);
provider.kill("SIGTERM");
await m.close();
