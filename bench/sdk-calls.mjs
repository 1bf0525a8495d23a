#!/usr/bin/env node
// Agent → agent trivial tool calls over loopback, against the plain official MCP SDK v2 doing
// the same thing, in the same run, at the same concurrency levels:
//
//   ours   a consumer agent (this process) calls a provider agent (its own process) through the
//          injected dependency proxy: `await date({ tz: "UTC" })`
//   plain  an official SDK v2 Client (this process, connected once) calls an official SDK v2
//          server (its own process, bench/sdk-plain-server.mjs: the documented stateless
//          streamable-HTTP shape) with the same tool: `client.callTool({ name: "get_date", ... })`
//   relay  (extra) the consumer's own tool, called in-process, whose handler makes the proxy
//          call: what `packages/sdk/bench/call-throughput.mjs` measures
//
// Variants alternate at each level; every measurement is preceded by a warm-up. Prints a table,
// the ratio ours/plain, and writes bench/results/sdk-calls.json. Run after `npm run build`:
//
//   node bench/sdk-calls.mjs [--seconds 5] [--warmup 1] [--levels 1,4,16] [--no-relay]
//
// The plain server needs @modelcontextprotocol/node (not a project dependency): it is installed
// once into .cache/bench-sdk/, next to the same @modelcontextprotocol/server version the SDK uses.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTestMesh, waitForDependency } from "@mcp-mesh/sdk/testing";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { installIntoCache } from "../scripts/cache-install.mjs";
import { measure, spawnReady } from "./closed-loop.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    levels: { type: "string", default: "1,4,16" },
    "no-relay": { type: "boolean", default: false },
  },
});
const seconds = Number(opts.seconds);
const warmup = Number(opts.warmup);
const levels = opts.levels.split(",").map(Number);

const SERVER_VERSION = JSON.parse(
  readFileSync(join(root, "node_modules/@modelcontextprotocol/server/package.json"), "utf8"),
).version;
const CLIENT_VERSION = JSON.parse(
  readFileSync(join(root, "node_modules/@modelcontextprotocol/client/package.json"), "utf8"),
).version;
const NODE_ADAPTER = "@modelcontextprotocol/node@2.1.2";

const load = loadavg()[0];
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
if (load > 1.5) console.warn(`warning: load average ${load.toFixed(2)} > 1.5, numbers will be low and noisy`);

// The official client's transport trips Node's listener-leak warning on its abort signal under
// sustained load (listeners are released as requests are collected); report it once, not per call.
let listenerWarnings = 0;
process.removeAllListeners("warning");
process.on("warning", (w) => {
  if (w.name === "MaxListenersExceededWarning") listenerWarnings++;
  else console.warn(`${w.name}: ${w.message}`);
});

const children = [];
process.on("exit", () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
});

// ---- the plain official SDK pair -------------------------------------------------------------

const plainDeps = await ensurePlainDeps();
const plainServer = await spawnReady(
  process.execPath,
  [join(root, "bench/sdk-plain-server.mjs")],
  {
    PLAIN_DEPS_DIR: plainDeps,
  },
  children,
);
const client = new Client({ name: "bench-plain-client", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(plainServer.url)));
const plainCall = async () => {
  const r = await client.callTool({ name: "get_date", arguments: { tz: "UTC" } });
  if (r.isError) throw new Error(r.content?.[0]?.text ?? "tool error");
  return r.content[0].text;
};

// ---- our mesh: registry + consumer here, provider in its own process --------------------------

const m = await createTestMesh({ heartbeatInterval: 5 });
const provider = await spawnReady(
  process.execPath,
  [join(root, "packages/sdk/test/fixtures/provider.mjs")],
  {
    MCP_MESH_REGISTRY_URL: m.registry.url,
    HOST: "127.0.0.1",
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    MCP_MESH_LOG_LEVEL: "warn",
  },
  children,
);
const consumer = m.agent({ name: "bench-consumer" });
let proxy = null;
consumer.tool({
  name: "capture",
  dependencies: { date: "date_service" },
  handler: (_a, { date }) => {
    proxy = date;
    return date !== null;
  },
});
consumer.tool({
  name: "relay",
  dependencies: { date: { capability: "date_service", required: true } },
  handler: (_a, { date }) => date({ tz: "UTC" }),
});
await m.start();
await waitForDependency(consumer, "date_service", { agentId: provider.agentId });
await consumer.callLocal("capture");
if (!proxy) throw new Error("the dependency proxy was not injected");
const oursCall = () => proxy({ tz: "UTC" });
const relayCall = () => consumer.callLocal("relay");

for (const [name, call] of [
  ["ours", oursCall],
  ["plain", plainCall],
  ["relay", relayCall],
]) {
  const v = await call();
  if (v !== "date:UTC") throw new Error(`${name}: unexpected answer ${JSON.stringify(v)}`);
}

// ---- measure ---------------------------------------------------------------------------------

const variants = [["ours", oursCall], ["plain", plainCall], ...(opts["no-relay"] ? [] : [["relay", relayCall]])];
const results = [];
for (const concurrency of levels) {
  for (const [variant, call] of variants) {
    await measure(call, concurrency, warmup);
    const r = await measure(call, concurrency, seconds);
    results.push({ variant, concurrency, ...r });
    console.log(
      `  ${variant.padEnd(5)} c=${String(concurrency).padEnd(2)} ${String(r.calls_per_second).padStart(6)} calls/s  p50 ${r.p50_ms.toFixed(3)} ms  p99 ${r.p99_ms.toFixed(3)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ""}`,
    );
  }
}

// Every proxy call must have reached the provider process: its own counter says so.
const served = await fetch(`${provider.url}/metrics`)
  .then((r) => r.text())
  .then((t) => Number(/mcp_mesh_tool_calls_total\{tool="get_date",outcome="ok"[^}]*\} (\d+)/.exec(t)?.[1] ?? 0));
const made = results.filter((r) => r.variant !== "plain").reduce((n, r) => n + r.calls, 0);
console.log(`  provider served ${served} get_date calls (measured through the proxy: ${made}, plus warm-ups)`);
if (served < made) throw new Error("the provider served fewer calls than were measured");

const rows = levels.map((c) => {
  const get = (v) => results.find((r) => r.variant === v && r.concurrency === c);
  const ours = get("ours");
  const plain = get("plain");
  return { concurrency: c, ours, plain, relay: get("relay"), ratio: ours.calls_per_second / plain.calls_per_second };
});
console.log("\n| concurrency | ours calls/s | ours p50 / p99 ms | plain calls/s | plain p50 / p99 ms | ours/plain |");
console.log("| ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of rows)
  console.log(
    `| ${r.concurrency} | ${r.ours.calls_per_second} | ${r.ours.p50_ms.toFixed(3)} / ${r.ours.p99_ms.toFixed(3)} | ${r.plain.calls_per_second} | ${r.plain.p50_ms.toFixed(3)} / ${r.plain.p99_ms.toFixed(3)} | ${r.ratio.toFixed(1)}× |`,
  );
if (!opts["no-relay"]) {
  console.log("\nrelay (consumer tool → proxy → provider):");
  for (const r of rows)
    console.log(
      `  c=${r.concurrency}: ${r.relay.calls_per_second} calls/s, p50 ${r.relay.p50_ms.toFixed(3)} ms, p99 ${r.relay.p99_ms.toFixed(3)} ms`,
    );
}

const out = {
  bench: "sdk-calls",
  date: new Date().toISOString(),
  node: process.version,
  cores: cpus().length,
  loadavg_start: load,
  loadavg_end: loadavg()[0],
  seconds,
  warmup,
  versions: { server: SERVER_VERSION, client: CLIENT_VERSION, node_adapter: NODE_ADAPTER },
  results,
  ratios: Object.fromEntries(rows.map((r) => [r.concurrency, Number(r.ratio.toFixed(2))])),
};
mkdirSync(join(root, "bench/results"), { recursive: true });
writeFileSync(join(root, "bench/results/sdk-calls.json"), `${JSON.stringify(out, null, 2)}\n`);
if (listenerWarnings > 0)
  console.log(
    `\n(${listenerWarnings} MaxListenersExceededWarning from the official client's abort signal, suppressed)`,
  );
console.log(`\nload average at end ${loadavg()[0].toFixed(2)}; wrote bench/results/sdk-calls.json`);

await client.close();
await m.close();
for (const c of children) c.kill("SIGTERM");

// ---- helpers ---------------------------------------------------------------------------------

/** @modelcontextprotocol/node and the SDK's own server version, installed once under .cache/. */
async function ensurePlainDeps() {
  const dir = join(root, ".cache", "bench-sdk", `server-${SERVER_VERSION}_${NODE_ADAPTER.replace(/[@/]/g, "_")}`);
  const ok = (d) =>
    existsSync(join(d, "node_modules/@modelcontextprotocol/node/package.json")) &&
    JSON.parse(readFileSync(join(d, "node_modules/@modelcontextprotocol/server/package.json"), "utf8")).version ===
      SERVER_VERSION;
  if (!ok(dir))
    console.log(`installing ${NODE_ADAPTER} with @modelcontextprotocol/server@${SERVER_VERSION} into ${dir}`);
  return installIntoCache(dir, [NODE_ADAPTER, `@modelcontextprotocol/server@${SERVER_VERSION}`], ok);
}
