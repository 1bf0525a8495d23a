#!/usr/bin/env node
// What mTLS costs a mesh hop: a consumer agent calls a provider agent through its injected
// dependency proxy, once over plain HTTP and once over mutual TLS (certificates from
// `meshctl certs`, a registry in MCP_MESH_TLS_MODE=strict), same process layout, same levels.
// Connections are pooled and kept alive, so the handshake is paid once per connection; the
// difference per call is TLS record encryption. Run after `npm run build`:
//
//   node bench/tls-calls.mjs [--seconds 5] [--levels 1,16]
//
// Writes bench/results/tls-calls.json.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createRegistry, openStore } from "@mcp-mesh/registry";
import { mesh } from "@mcp-mesh/sdk";
import { waitForDependency } from "@mcp-mesh/sdk/testing";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, levels: { type: "string", default: "1,16" } },
});
const seconds = Number(opts.seconds);
const levels = opts.levels.split(",").map(Number);
console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)}`);

const dir = mkdtempSync(join(tmpdir(), "mesh-bench-tls-"));
execFileSync(
  process.execPath,
  [join(root, "packages/cli/bin/meshctl.js"), "certs", "provider", "consumer", "--dir", dir, "--strict"],
  {
    stdio: "ignore",
  },
);
const files = (name) => ({
  cert: join(dir, `${name}.pem`),
  key: join(dir, `${name}-key.pem`),
  ca: join(dir, "ca.pem"),
});

async function meshOf(secure) {
  const store = await openStore(":memory:");
  const registry = await createRegistry({
    store,
    config: {
      host: "127.0.0.1",
      port: 0,
      logLevel: "warn",
      ...(secure && {
        tlsMode: "strict",
        tlsCert: files("registry").cert,
        tlsKey: files("registry").key,
        tlsCa: files("registry").ca,
      }),
    },
  });
  const registryUrl = await registry.listen();
  const common = {
    autoRun: false,
    handleSignals: false,
    logLevel: "silent",
    env: {},
    registryUrl,
    httpHost: "127.0.0.1",
    bindHost: "127.0.0.1",
  };
  const provider = mesh.agent({
    name: "provider",
    ...common,
    ...(secure && { tls: { mode: "strict", ...files("provider") } }),
  });
  provider.tool({ name: "get_date", capability: "date_service", handler: () => "2026-01-02" });
  const consumer = mesh.agent({
    name: "consumer",
    ...common,
    ...(secure && { tls: { mode: "strict", ...files("consumer") } }),
  });
  consumer.tool({ name: "use", dependencies: { date: "date_service" }, handler: async (_a, { date }) => date?.({}) });
  await provider.start();
  await consumer.start();
  await waitForDependency(consumer, "date_service", { timeoutMs: 20_000 });
  return {
    call: () => consumer.callLocal("use", {}),
    stop: async () => {
      await consumer.stop();
      await provider.stop();
      await registry.close();
    },
  };
}

async function measure(call, concurrency) {
  const latencies = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.floor((latencies.length - 1) * p)] ?? Number.NaN;
  const elapsed = (performance.now() - started) / 1000;
  return {
    calls_per_second: Math.round(latencies.length / elapsed),
    p50_ms: +pct(0.5).toFixed(2),
    p99_ms: +pct(0.99).toFixed(2),
    errors,
  };
}

const results = [];
for (const secure of [false, true]) {
  const m = await meshOf(secure);
  await measure(m.call, 4); // warm-up: connections opened, handshakes done
  for (const c of levels) {
    const r = { variant: secure ? "mtls" : "http", concurrency: c, ...(await measure(m.call, c)) };
    results.push(r);
    console.log(
      `${r.variant.padEnd(5)} c=${String(c).padEnd(3)} ${String(r.calls_per_second).padStart(6)} calls/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  errors ${r.errors}`,
    );
  }
  await m.stop();
}
rmSync(dir, { recursive: true, force: true });
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/tls-calls.json"), JSON.stringify({ load: loadavg()[0], results }, null, 2));
process.exit(0);
