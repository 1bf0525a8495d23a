// Embedded SQLite store (libsql, better-sqlite3 API). Writes queued in the same tick share one
// transaction (group commit): a burst of registrations costs one fsync-free WAL commit, not one each.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "libsql";
import type { AgentRecord, EventRecord, EventType, Resolution, ToolRecord } from "../model.js";
import { MIGRATIONS } from "./migrations.js";
import type { EventQuery, RegistryStore, SchemaEntry, StoredState, WriteBatch } from "./store.js";

type Db = InstanceType<typeof Database>;
type Row = Record<string, unknown>;

export function openSqliteStore(location: string): SqliteStore {
  const path = location === ":memory:" ? location : resolve(location.replace(/^(sqlite|file):(\/\/)?/, ""));
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new SqliteStore(new Database(path), path);
}

export class SqliteStore implements RegistryStore {
  readonly kind = "sqlite";
  readonly path: string;
  private readonly db: Db;
  private queue: Array<{ batch: WriteBatch; done: () => void; fail: (e: unknown) => void }> = [];
  private scheduled = false;
  private readonly stmts: ReturnType<typeof prepare>;

  constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at BIGINT)");
    this.runMigrations();
    this.stmts = prepare(db);
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
    const toolsByAgent = new Map<string, ToolRecord[]>();
    for (const r of this.db.prepare("SELECT seq, agent_id, body FROM capabilities ORDER BY seq").all() as Row[]) {
      const tool = { ...(JSON.parse(String(r.body)) as ToolRecord), seq: Number(r.seq) };
      const list = toolsByAgent.get(String(r.agent_id)) ?? [];
      list.push(tool);
      toolsByAgent.set(String(r.agent_id), list);
    }
    const agents = (this.db.prepare("SELECT * FROM agents ORDER BY created_at, agent_id").all() as Row[]).map(
      (r): AgentRecord => ({
        agent_id: String(r.agent_id),
        name: String(r.name),
        agent_type: String(r.agent_type),
        runtime: String(r.runtime),
        version: String(r.version),
        description: String(r.description),
        http_host: String(r.http_host),
        http_port: Number(r.http_port),
        namespace: String(r.namespace),
        status: String(r.status) as AgentRecord["status"],
        a2a_producer: Boolean(r.a2a_producer),
        a2a_consumer: Boolean(r.a2a_consumer),
        entity_id: String(r.entity_id),
        surfaces: r.surfaces ? JSON.parse(String(r.surfaces)) : null,
        created_at: Number(r.created_at),
        updated_at: Number(r.updated_at),
        last_full_refresh: Number(r.last_full_refresh),
        tools: toolsByAgent.get(String(r.agent_id)) ?? [],
      }),
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
    // The agent row may still sit in the write queue: flush it so the foreign key holds.
    this.flush();
    this.db
      .prepare(
        "INSERT INTO agent_owners (agent_id, owner) VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET owner = excluded.owner",
      )
      .run(agentId, owner);
  }

  write(batch: WriteBatch): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ batch, done, fail });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies everything queued in one transaction. */
  flush(): void {
    this.scheduled = false;
    const items = this.queue;
    this.queue = [];
    if (!items.length) return;
    try {
      this.db.transaction(() => {
        for (const { batch } of items) applyBatch(this.stmts, batch);
      })();
      for (const i of items) i.done();
    } catch (e) {
      for (const i of items) i.fail(e);
    }
  }

  async queryEvents(q: EventQuery): Promise<EventRecord[]> {
    this.flush();
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
    return (this.db.prepare(sql).all(...args, q.limit) as Row[]).map((r) => ({
      id: Number(r.id),
      event_type: String(r.event_type) as EventType,
      agent_id: String(r.agent_id),
      agent_name: String(r.agent_name),
      function_name: String(r.function_name),
      timestamp: Number(r.timestamp),
      data: r.data ? JSON.parse(String(r.data)) : null,
    }));
  }

  async trimEvents(maxRows: number): Promise<number> {
    this.flush();
    const r = this.db
      .prepare(
        "DELETE FROM registry_events WHERE id <= (SELECT id FROM registry_events ORDER BY id DESC LIMIT 1 OFFSET ?)",
      )
      .run(maxRows);
    return Number(r.changes);
  }

  async listSchemas(limit: number): Promise<SchemaEntry[]> {
    this.flush();
    return (this.db.prepare("SELECT * FROM schema_entries ORDER BY created_at DESC LIMIT ?").all(limit) as Row[]).map(
      schemaRow,
    );
  }

  async getSchema(hash: string): Promise<SchemaEntry | undefined> {
    this.flush();
    const r = this.db.prepare("SELECT * FROM schema_entries WHERE hash = ?").get(hash) as Row | undefined;
    return r ? schemaRow(r) : undefined;
  }

  async ping(): Promise<void> {
    this.db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    this.flush();
    this.db.close();
  }
}

function schemaRow(r: Row): SchemaEntry {
  return {
    hash: String(r.hash),
    canonical: JSON.parse(String(r.canonical)),
    runtime_origin: String(r.runtime_origin),
    created_at: Number(r.created_at),
  };
}

function prepare(db: Db) {
  return {
    upsertAgent: db.prepare(`INSERT INTO agents (agent_id, name, agent_type, runtime, version, description, http_host,
      http_port, namespace, status, a2a_producer, a2a_consumer, entity_id, surfaces, created_at, updated_at, last_full_refresh)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, agent_type = excluded.agent_type,
      runtime = excluded.runtime, version = excluded.version, description = excluded.description,
      http_host = excluded.http_host, http_port = excluded.http_port, namespace = excluded.namespace,
      status = excluded.status, a2a_producer = excluded.a2a_producer, a2a_consumer = excluded.a2a_consumer,
      entity_id = excluded.entity_id, surfaces = excluded.surfaces, updated_at = excluded.updated_at,
      last_full_refresh = excluded.last_full_refresh`),
    deleteTools: db.prepare("DELETE FROM capabilities WHERE agent_id = ?"),
    insertTool: db.prepare(
      "INSERT INTO capabilities (seq, agent_id, function_name, capability, body) VALUES (?, ?, ?, ?, ?)",
    ),
    touch: db.prepare("UPDATE agents SET updated_at = ? WHERE agent_id = ? AND updated_at < ?"),
    status: db.prepare("UPDATE agents SET status = ? WHERE agent_id = ?"),
    resolution: db.prepare(`INSERT INTO resolutions (agent_id, body) VALUES (?, ?)
      ON CONFLICT (agent_id) DO UPDATE SET body = excluded.body`),
    counters: db.prepare("UPDATE agents SET total_dependencies = ?, dependencies_resolved = ? WHERE agent_id = ?"),
    event: db.prepare(`INSERT INTO registry_events (event_type, agent_id, agent_name, function_name, timestamp, data)
      VALUES (?, ?, ?, ?, ?, ?)`),
    deleteAgent: db.prepare("DELETE FROM agents WHERE agent_id = ?"),
    deleteEvents: db.prepare("DELETE FROM registry_events WHERE agent_id = ?"),
    schema: db.prepare(`INSERT INTO schema_entries (hash, canonical, runtime_origin, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (hash) DO NOTHING`),
  };
}

function applyBatch(s: ReturnType<typeof prepare>, b: WriteBatch): void {
  for (const a of b.agents ?? []) {
    s.upsertAgent.run(
      a.agent_id,
      a.name,
      a.agent_type,
      a.runtime,
      a.version,
      a.description,
      a.http_host,
      a.http_port,
      a.namespace,
      a.status,
      a.a2a_producer ? 1 : 0,
      a.a2a_consumer ? 1 : 0,
      a.entity_id,
      a.surfaces ? JSON.stringify(a.surfaces) : null,
      a.created_at,
      a.updated_at,
      a.last_full_refresh,
    );
    s.deleteTools.run(a.agent_id);
    for (const t of a.tools) {
      const { seq, ...body } = t;
      s.insertTool.run(seq, a.agent_id, t.function_name, t.capability, JSON.stringify(body));
    }
  }
  for (const t of b.touches ?? []) s.touch.run(t.updated_at, t.agent_id, t.updated_at);
  for (const st of b.statuses ?? []) s.status.run(st.status, st.agent_id);
  for (const r of b.resolutions ?? []) {
    if (r.resolution) s.resolution.run(r.agent_id, JSON.stringify(r.resolution));
    s.counters.run(r.total, r.resolved, r.agent_id);
  }
  for (const e of b.events ?? []) {
    s.event.run(
      e.event_type,
      e.agent_id,
      e.agent_name,
      e.function_name,
      e.timestamp,
      e.dataJson ?? (e.data ? JSON.stringify(e.data) : null),
    );
  }
  for (const sc of b.schemas ?? [])
    s.schema.run(sc.hash, JSON.stringify(sc.canonical), sc.runtime_origin, sc.created_at);
  for (const id of b.deletes ?? []) {
    s.deleteEvents.run(id);
    s.deleteAgent.run(id);
  }
}
