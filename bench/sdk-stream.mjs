#!/usr/bin/env node
// Time to first streamed chunk through one mesh hop versus the same generator in-process:
//
//   direct  an async generator in this process: time from calling it to its first chunk
//   hop     a consumer agent (this process) reads a provider agent's streaming tool (its own
//           process, bench/sdk-stream-producer.mjs) with `dep.stream({ n })`: time from the
//           call to the first chunk yielded by the iterable (the rest is read, then the next
//           round starts)
//   call    the same tool called plainly (`await dep({ n })`), for scale: one round trip with the
//           whole concatenated answer
//
// Sequential rounds (one stream at a time), after a warm-up. Prints p50/p99 and what the hop adds.
// Run after `npm run build`:
//
//   node bench/sdk-stream.mjs [--rounds 1000] [--warmup 200] [--chunks 20]
import { spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTestMesh, waitForDependency } from "@mcp-mesh/sdk/testing";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    rounds: { type: "string", default: "1000" },
    warmup: { type: "string", default: "200" },
    chunks: { type: "string", default: "20" },
  },
});
const rounds = Number(opts.rounds);
const warmup = Number(opts.warmup);
const n = Number(opts.chunks);
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}; ${rounds} rounds of ${n} chunks after ${warmup} warm-up rounds`,
);

const m = await createTestMesh();
const child = spawn(process.execPath, [join(root, "bench/sdk-stream-producer.mjs")], {
  env: {
    ...process.env,
    MCP_MESH_REGISTRY_URL: m.registry.url,
    HOST: "127.0.0.1",
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    MCP_MESH_LOG_LEVEL: "warn",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
process.on("exit", () => child.exitCode === null && child.kill("SIGKILL"));
const producerId = await new Promise((resolveReady, reject) => {
  let out = "";
  child.stdout.on("data", (c) => {
    out += c;
    const ready = /READY \S+ (\S+)/.exec(out);
    if (ready) resolveReady(ready[1]);
  });
  child.once("exit", (code) => reject(new Error(`producer exited (${code})`)));
});

const consumer = m.agent({ name: "bench-stream-consumer" });
let dep = null;
consumer.tool({
  name: "capture",
  dependencies: { tokens: "tokens" },
  handler: (_a, { tokens }) => {
    dep = tokens;
    return "ok";
  },
});
await m.start();
await waitForDependency(consumer, "tokens", { agentId: producerId });
await consumer.callLocal("capture");

async function* direct(count) {
  for (let i = 0; i < count; i++) yield `tok${i} `;
}

/** Time to the first chunk of `open()`, ms; the rest is drained and checked. */
async function firstChunk(open) {
  const t0 = performance.now();
  const it = open()[Symbol.asyncIterator]();
  const first = await it.next();
  const t1 = performance.now();
  let got = first.done ? 0 : 1;
  for (let r = await it.next(); !r.done; r = await it.next()) got++;
  if (got !== n) throw new Error(`expected ${n} chunks, got ${got}`);
  return t1 - t0;
}

async function plainCall() {
  const t0 = performance.now();
  const text = await dep({ n });
  if (typeof text !== "string" || !text.startsWith("tok0 ")) throw new Error(`unexpected answer ${text}`);
  return performance.now() - t0;
}

const variants = {
  direct: () => firstChunk(() => direct(n)),
  hop: () => firstChunk(() => dep.stream({ n })),
  call: plainCall,
};
const samples = { direct: [], hop: [], call: [] };
for (let i = 0; i < warmup + rounds; i++) {
  // Interleaved, so drift in machine load touches every variant alike.
  for (const [name, run] of Object.entries(variants)) {
    const ms = await run();
    if (i >= warmup) samples[name].push(ms);
  }
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (v) => `${v.toFixed(3)} ms`;
console.log("\nvariant  p50          p99");
for (const [name, xs] of Object.entries(samples))
  console.log(`${name.padEnd(8)} ${fmt(pct(xs, 50)).padEnd(12)} ${fmt(pct(xs, 99))}`);
console.log(
  `\nadded by the mesh hop to the first chunk: p50 ${fmt(pct(samples.hop, 50) - pct(samples.direct, 50))}, p99 ${fmt(pct(samples.hop, 99) - pct(samples.direct, 99))}`,
);
child.kill("SIGTERM");
await m.close();
