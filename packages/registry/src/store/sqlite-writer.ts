// Worker thread that owns the write connection of a SQLite file: transactions (and the WAL
// checkpoints they trigger, with their fsync) run here, off the registry's event loop. The main
// thread keeps its own connection for reads. Messages are handled in order, one transaction each.
import { parentPort, workerData } from "node:worker_threads";
import Database from "libsql";
import { configure, prepare, runOps, type WriteOp } from "./sqlite-batch.js";

export interface WriterRequest {
  id: number;
  ops: WriteOp[];
}
export type WriterReply = { id: number; ok: true; results: number[] } | { id: number; ok: false; message: string };

const port = parentPort;
if (port) {
  const db = new Database((workerData as { path: string }).path);
  configure(db);
  const statements = prepare(db);
  port.on("message", (m: WriterRequest | "close") => {
    if (m === "close") {
      db.close();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: m.id, ok: true, results: runOps(db, statements, m.ops) } satisfies WriterReply);
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, message: (e as Error).message } satisfies WriterReply);
    }
  });
}
