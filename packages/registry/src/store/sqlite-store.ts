// Embedded SQLite store (libsql, better-sqlite3 API). Writes queued in the same tick share one
// transaction (group commit): a burst of registrations costs one WAL commit, not one each. For a
// file database the transactions run in a worker thread that owns the write connection
// (sqlite-writer.ts), so commits and WAL checkpoints (fsync) never stall the event loop; this
// thread keeps a connection for the reads. A ":memory:" database has one connection, here.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "libsql";
import type { EventRecord, Resolution } from "../model.js";
import { MIGRATIONS } from "./migrations.js";
import { agentFromRow, eventFromRow, type Row, schemaFromRow, toolsByAgent } from "./rows.js";
import { configure, type Db, encodeBatch, prepare, runOps, type WriteOp } from "./sqlite-batch.js";
import { type OpsWriter, workerWriter } from "./sqlite-worker-client.js";
import type { EventQuery, RegistryStore, SchemaEntry, StoredState, WriteBatch } from "./store.js";

export function openSqliteStore(location: string): SqliteStore {
  const path = location === ":memory:" ? location : resolve(location.replace(/^(sqlite|file):(\/\/)?/, ""));
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new SqliteStore(new Database(path), path);
}

/** Same-thread writer: the statements run on the one connection (":memory:"). */
function inThreadWriter(db: Db): OpsWriter {
  let statements: ReturnType<typeof prepare> | undefined;
  return {
    async run(ops) {
      statements ??= prepare(db);
      return runOps(db, statements, ops);
    },
    async close() {},
  };
}

export class SqliteStore implements RegistryStore {
  readonly kind = "sqlite";
  readonly groupCommit = true;
  readonly path: string;
  private readonly db: Db;
  private queue: Array<{ op: WriteOp; done: (result: number) => void; fail: (e: unknown) => void }> = [];
  private scheduled = false;
  private readonly writer: OpsWriter;
  /** Settles when every transaction handed to the writer so far has finished. */
  private written: Promise<unknown> = Promise.resolve();

  constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
    configure(db);
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at BIGINT)");
    this.runMigrations();
    this.writer = path === ":memory:" ? inThreadWriter(db) : workerWriter(path);
  }

  async migrate(): Promise<void> {
    this.runMigrations();
  }

  private runMigrations(): void {
    const applied = new Set(
      (this.db.prepare("SELECT version FROM schema_migrations").all() as Row[]).map((r) => Number(r.version)),
    );
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
          .run(m.version, m.name, Date.now());
      })();
    }
  }

  async load(): Promise<StoredState> {
    const tools = toolsByAgent(
      this.db.prepare("SELECT seq, agent_id, body FROM capabilities ORDER BY seq").all() as Row[],
    );
    const agents = (this.db.prepare("SELECT * FROM agents ORDER BY created_at, agent_id").all() as Row[]).map((r) =>
      agentFromRow(r, tools.get(String(r.agent_id)) ?? []),
    );
    const resolutions = new Map<string, Resolution>();
    for (const r of this.db.prepare("SELECT agent_id, body FROM resolutions").all() as Row[]) {
      resolutions.set(String(r.agent_id), JSON.parse(String(r.body)) as Resolution);
    }
    return { agents, resolutions };
  }

  async loadOwners(): Promise<Map<string, string>> {
    const rows = this.db.prepare("SELECT agent_id, owner FROM agent_owners").all() as Row[];
    return new Map(rows.map((r) => [String(r.agent_id), String(r.owner)]));
  }

  async writeOwner(agentId: string, owner: string): Promise<void> {
    // Queued behind the agent row it refers to, so the foreign key holds.
    await this.enqueue({ kind: "owner", agentId, owner });
  }

  async write(batch: WriteBatch): Promise<void> {
    await this.enqueue({ kind: "rows", rows: encodeBatch(batch) });
  }

  private enqueue(op: WriteOp): Promise<number> {
    return new Promise((done, fail) => {
      this.queue.push({ op, done, fail });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Hands everything queued to the writer as one transaction. */
  private flush(): void {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    if (!items.length) return;
    const done = this.writer.run(items.map((i) => i.op)).then(
      (results) => {
        for (const [n, i] of items.entries()) i.done(results[n] ?? 0);
      },
      (e: unknown) => {
        for (const i of items) i.fail(e);
      },
    );
    // Settled to undefined: a resolved Promise.all keeps its values, and each would nest the last.
    this.written = Promise.all([this.written, done]).then(() => undefined);
  }

  /** Waits until every write queued before the call is committed (reads must see them). */
  private async settled(): Promise<void> {
    this.flush();
    await this.written;
  }

  async queryEvents(q: EventQuery): Promise<EventRecord[]> {
    await this.settled();
    const where: string[] = [];
    const args: unknown[] = [];
    const filters: Array<[string, string[]]> = [
      ["event_type", q.types],
      ["agent_id", q.agent_ids],
      ["function_name", q.function_names],
    ];
    for (const [column, values] of filters) {
      if (!values.length) continue;
      where.push(`${column} IN (${values.map(() => "?").join(", ")})`);
      args.push(...values);
    }
    const sql = `SELECT * FROM registry_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as Row[]).map(eventFromRow);
  }

  trimEvents(maxRows: number): Promise<number> {
    return this.enqueue({ kind: "trim", maxRows });
  }

  async listSchemas(limit: number): Promise<SchemaEntry[]> {
    await this.settled();
    return (this.db.prepare("SELECT * FROM schema_entries ORDER BY created_at DESC LIMIT ?").all(limit) as Row[]).map(
      schemaFromRow,
    );
  }

  async getSchema(hash: string): Promise<SchemaEntry | undefined> {
    await this.settled();
    const r = this.db.prepare("SELECT * FROM schema_entries WHERE hash = ?").get(hash) as Row | undefined;
    return r ? schemaFromRow(r) : undefined;
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    await this.settled();
    await this.writer.close();
    this.db.close();
  }
}
