// The main thread's side of the SQLite writer worker (sqlite-writer.ts): one message per
// transaction, answered in order. A worker that dies fails what it had in flight (the change
// lane answers 503 store_unavailable) and is started again for the next write.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { reapplyHeapFlags } from "../heap-tuning.js";
import type { WriteOp } from "./sqlite-batch.js";
import type { WriterReply, WriterRequest } from "./sqlite-writer.js";

export interface OpsWriter {
  /** Runs the ops in one transaction, all or nothing; one result per op. */
  run(ops: WriteOp[]): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * The compiled worker module: next to this file in dist/store, under store/ beside the bundled
 * binary (dist/main.bundle.mjs), or in dist/ when this file runs from src (the test suites).
 */
function workerModule(name: string): URL {
  const candidates = [`./${name}.js`, `./store/${name}.js`, `../../dist/store/${name}.js`];
  for (const c of candidates) {
    const url = new URL(c, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`the SQLite worker module (dist/store/${name}.js) is missing: build @mcp-mesh/registry`);
}

export function workerWriter(path: string): OpsWriter {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: number[]) => void; reject: (e: Error) => void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerModule("sqlite-writer"), {
      workerData: { path },
      // What it allocates (a transaction's rows) dies young: a small young generation holds it.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // A starting worker resets V8's flags for the whole process (heap-tuning.ts).
    w.once("online", reapplyHeapFlags);
    w.on("message", (m: WriterReply) => {
      const p = pending.get(m.id);
      pending.delete(m.id);
      // Idle, the worker must not keep the process alive; with writes in flight it must.
      if (!pending.size) w.unref();
      if (m.ok) p?.resolve(m.results);
      else p?.reject(new Error(m.message));
    });
    w.on("error", (e) => {
      if (worker === w) worker = null;
      failAll(e);
    });
    w.on("exit", (code) => {
      if (worker === w) worker = null;
      failAll(new Error(`SQLite writer stopped (exit code ${code})`));
    });
    return w;
  };
  return {
    run(ops) {
      worker ??= start();
      const w = worker;
      const id = nextId++;
      w.ref();
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, ops } satisfies WriterRequest);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = new Promise((r) => w.once("exit", r));
      // An idle worker is unref'd; waiting for its exit must keep the process alive, or a
      // process with nothing else left (meshctl's supervisor stopping) ends mid-close.
      w.ref();
      w.postMessage("close");
      await exited;
    },
  };
}
