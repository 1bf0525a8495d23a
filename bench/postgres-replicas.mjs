#!/usr/bin/env node
// The registry on PostgreSQL with three replicas, driven by the same harness (bench/harness,
// URL mode) through a round-robin TCP balancer in front of the replicas, as a Kubernetes
// Service spreads connections: the harness's keep-alive connections land on the replicas in
// turn, so registrations, heartbeats and reads are spread over all three.
//
//   npm run build && node bench/postgres-replicas.mjs [--replicas 3] [--sizes 5000] [harness options]
//
// PostgreSQL comes from scripts/postgres.mjs (the one on 5432, else one started here). The
// harness JSON goes to bench/results/ts-registry-postgres-<n>r.json.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { connect, createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, usePostgres } from "../scripts/postgres.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const take = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, v] = args.splice(i, 2);
  return v;
};
const replicas = Number(take("--replicas", "3"));
const sizes = take("--sizes", "5000");
const children = [];
const stopAll = () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
};
process.on("exit", stopAll);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url) {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(`${url}/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready`);
}

const pg = await usePostgres();
if (!pg) throw new Error("no PostgreSQL (scripts/postgres.mjs)");
const databaseUrl = await createDatabase(pg.url, "mesh_bench");
const backends = [];
const pids = [];
for (let i = 0; i < replicas; i++) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(root, "packages/registry/bin/mcp-mesh-registry.js")], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      MCP_MESH_LOG_LEVEL: "warn",
      // As the harness sets for its load instances: measure the registry, not evictions.
      DEFAULT_TIMEOUT_THRESHOLD: "3600",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(child);
  pids.push(child.pid);
  backends.push(port);
  await waitReady(`http://127.0.0.1:${port}`);
}

// Round robin per connection, like a Service's kube-proxy.
let next = 0;
const balancer = createServer((client) => {
  const port = backends[next++ % backends.length];
  const upstream = connect({ host: "127.0.0.1", port });
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", end);
  upstream.on("error", end);
});
await new Promise((r) => balancer.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${balancer.address().port}`;
const label = `ts-registry-postgres-${replicas}r`;
mkdirSync(path.join(root, "bench/results"), { recursive: true });
const out = path.join(root, "bench/results", `${label}.json`);
console.error(`${replicas} replicas on ${databaseUrl} behind ${url}; registry pids ${pids.join(",")}`);

const harness = spawn(
  process.execPath,
  [
    path.join(root, "bench/harness/bench.mjs"),
    "--url",
    url,
    "--pid",
    String(pids[0]),
    "--label",
    label,
    "--out",
    out,
    "--sizes",
    sizes,
    "--scenarios",
    "register,steady,saturation,depres",
    ...args,
  ],
  { stdio: ["ignore", "ignore", "inherit"] },
);
const code = await new Promise((r) => harness.once("exit", r));
balancer.close();
stopAll();
// Replicas first (they flush and close their connections), then the database.
await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
await pg.stop();
await pg.destroy();
console.error(`harness exit ${code}; results in ${out}`);
process.exit(code ?? 1);
