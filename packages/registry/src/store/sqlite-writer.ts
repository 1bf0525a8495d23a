// Worker thread that owns the write connection of a SQLite file: transactions run here, off the
// registry's event loop, and the WAL's checkpoints (with their fsync) when no transaction is
// waiting. The main thread keeps its own connection for reads. Messages are handled in order,
// one transaction each.
import { statSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import Database from "libsql";
import { configure, prepare, runOps, type WriteOp } from "./sqlite-batch.js";

export interface WriterRequest {
  id: number;
  ops: WriteOp[];
}
export type WriterReply = { id: number; ok: true; results: number[] } | { id: number; ok: false; message: string };

/** Quiet time after which the WAL is checkpointed. */
const IDLE_CHECKPOINT_MS = 200;
/** Past this size the WAL is checkpointed even while writes keep coming. */
const WAL_LIMIT_BYTES = 512 * 1024 * 1024;

const port = parentPort;
if (port) {
  const db = new Database((workerData as { path: string }).path);
  configure(db);
  // SQLite would checkpoint the WAL (copy it back into the database file and fsync it) inside
  // a commit every 1000 pages. Measured at 5,000 registrations: 37 of 640 transactions then took
  // 10-200 ms instead of ~2 ms, and every registration waiting on them waited too (in-process
  // 1,160/s; 1,385/s without). So this thread checkpoints when it is idle instead: 200 ms
  // without a transaction. Writes that never pause grow the WAL (a 5,000-agent burst to ~170
  // MB); past WAL_LIMIT_BYTES it checkpoints anyway, and a WAL that grew is cut back to 64 MB
  // when it restarts. (A checkpoint thread of its own would have cost ~8 MB of RSS.)
  db.exec("PRAGMA wal_autocheckpoint = 0");
  db.exec("PRAGMA journal_size_limit = 67108864");
  const statements = prepare(db);
  const walPath = `${(workerData as { path: string }).path}-wal`;
  let idle: NodeJS.Timeout | undefined;
  let sinceCheck = 0;
  const checkpoint = (mode: "PASSIVE" | "TRUNCATE") => {
    try {
      db.exec(`PRAGMA wal_checkpoint(${mode})`);
    } catch {
      // busy (a reader): the next quiet moment tries again
    }
  };
  const afterWrite = () => {
    clearTimeout(idle);
    idle = setTimeout(() => checkpoint("PASSIVE"), IDLE_CHECKPOINT_MS);
    if (++sinceCheck < 64) return;
    sinceCheck = 0;
    try {
      if (statSync(walPath).size > WAL_LIMIT_BYTES) checkpoint("TRUNCATE");
    } catch {
      // no WAL file
    }
  };
  port.on("message", (m: WriterRequest | "close") => {
    if (m === "close") {
      clearTimeout(idle);
      db.close();
      port.close();
      return;
    }
    try {
      port.postMessage({ id: m.id, ok: true, results: runOps(db, statements, m.ops) } satisfies WriterReply);
      afterWrite();
    } catch (e) {
      port.postMessage({ id: m.id, ok: false, message: (e as Error).message } satisfies WriterReply);
    }
  });
}
