#!/usr/bin/env node
// Tracing's cost on agent -> agent calls: the same consumer -> provider pair (each agent its own
// process) with tracing off, with Redis export on (MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true) and
// with OTLP export on (to a local receiver that only counts). This process calls the consumer's
// `hello` (which calls the provider) at a fixed concurrency; the variants alternate, each round
// after a warm-up; medians of calls/s. Run after `npm run build`:
//
//   node bench/tracing.mjs [--seconds 3] [--rounds 3] [--concurrency 8]
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { useRedis } from "../scripts/redis.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
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
      if (m) resolveReady({ child, url: m[1] });
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
  await spawnReady(
    [join(fixtures, "provider.mjs")],
    { ...base, ...env, AGENT_NAME: `p-${name}`, CAPABILITY: cap },
    /READY (\S+)/,
  );
  const c = await spawnReady(
    [join(fixtures, "consumer.mjs")],
    { ...base, ...env, AGENT_NAME: `c-${name}`, DEP_CAPABILITY: cap },
    /READY (\S+)/,
  );
  consumers[name] = c.url;
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
for (const url of Object.values(consumers)) {
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

async function measure(url, secs) {
  let calls = 0;
  const end = Date.now() + secs * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await hello(url);
        calls++;
      }
    }),
  );
  return calls / secs;
}

const results = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (let round = 0; round < Number(opts.rounds); round++)
  for (const [name, url] of Object.entries(consumers)) {
    await measure(url, 0.5);
    results[name].push(await measure(url, seconds));
  }
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const off = median(results.off);
console.log(`concurrency ${concurrency}, ${opts.rounds} rounds of ${seconds} s, calls/s (median)`);
for (const [name, xs] of Object.entries(results))
  console.log(
    `  ${name.padEnd(6)} ${median(xs).toFixed(0).padStart(6)}  ${((median(xs) / off) * 100).toFixed(0)} % of off  [${xs.map((x) => x.toFixed(0)).join(", ")}]`,
  );
console.log(`OTLP receiver got ${otlpSpans} spans`);
await redis.stop?.();
receiver.close();
process.exit(0);
