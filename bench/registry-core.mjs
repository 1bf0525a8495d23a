#!/usr/bin/env node
// Registration cost inside the registry, without HTTP: the shared harness's topology (same seed,
// same bodies) fed straight into RegistryCore, 16 at a time, on a fresh SQLite file. Prints the
// rate, the CPU of the registry's main thread (event loop) and of the whole process (with the
// SQLite writer thread and GC helpers, and per thread) per registration, and the heap after a full GC. Useful
// to compare two versions of the core on a busy machine, where wall-clock rates are noise.
//
//   npm run build && node --expose-gc bench/registry-core.mjs [--n 5000] [--concurrency 16] [--repost]
//     [--alloc-prof FILE]
//
// --repost: after registering everyone, every agent POSTs its unchanged body again (what the
// convergence wave after a burst looks like) and that phase is reported too.
// --alloc-prof FILE: a sampling heap profile of the registration phase, objects the GC already
// collected included (what allocation costs in scavenges), for DevTools' Memory tab.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { generateTopology } from "./harness/lib/topology.mjs";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "16" },
    repost: { type: "boolean" },
    "alloc-prof": { type: "string" },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const { createRegistry, openSqliteStore } = await import("../packages/registry/dist/index.js");

/** CPU (ms) of one thread of this process, from /proc (Linux). */
const threadCpuMs = (tid) => {
  const f = readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const mainThreadCpuMs = () => threadCpuMs(process.pid);
/** CPU (ms) per thread (V8's GC helpers, libuv's pool, the SQLite writer worker, ...). */
const cpuByThreadName = () => {
  const out = {};
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      const key = Number(tid) === process.pid ? "main" : `${name}:${tid}`;
      out[key] = (out[key] ?? 0) + threadCpuMs(tid);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
};

const dir = mkdtempSync(join(tmpdir(), "mesh-core-bench-"));
const registry = await createRegistry({
  store: openSqliteStore(join(dir, "registry.db")),
  timers: false,
  logger: pino({ level: "warn" }),
});
const bodies = generateTopology({ n, seed: 42 }).agents.map((a) => a.body);

async function startAllocationProfile() {
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop(file) {
      const { profile } = await session.post("HeapProfiler.stopSampling");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

async function phase() {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const answer = await registry.core.fullHeartbeat(JSON.parse(bodies[next++]));
      if (answer.body.status !== "success") throw new Error(`registration refused: ${answer.body.message}`);
      JSON.stringify(answer.body);
    }
  };
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const threads0 = cpuByThreadName();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const threads = cpuByThreadName();
  const perThread = {};
  for (const [name, ms] of Object.entries(threads)) {
    const delta = (ms - (threads0[name] ?? 0)) / n;
    if (delta >= 0.01) perThread[name] = +delta.toFixed(3);
  }
  return {
    cpu_ms_by_thread: perThread,
    per_s: Math.round((n / ms) * 1000),
    main_thread_cpu_ms: +((mainThreadCpuMs() - main0) / n).toFixed(3),
    process_cpu_ms: +((cpu.user + cpu.system) / 1000 / n).toFixed(3),
  };
}

const result = { n, concurrency, load_avg_start: (await import("node:os")).loadavg().map((x) => +x.toFixed(2)) };
const profiler = values["alloc-prof"] ? await startAllocationProfile() : undefined;
result.registration = await phase();
if (profiler) await profiler.stop(values["alloc-prof"]);
if (values.repost) result.repost = await phase();
globalThis.gc?.();
result.heap_used_mb_after_gc = globalThis.gc
  ? +(process.memoryUsage().heapUsed / 1e6).toFixed(1)
  : "run with --expose-gc";
console.log(JSON.stringify(result));
await registry.close();
rmSync(dir, { recursive: true, force: true });
