// The SQL that writes a WriteBatch, shared by the in-thread writer (":memory:" databases) and
// the worker that owns the write connection of a file database (sqlite-writer.ts).
import type Database from "libsql";
import type { WriteBatch } from "./store.js";

export type Db = InstanceType<typeof Database>;

/** A statement and its parameters: a batch as the writer runs it (see encodeBatch). */
export type Row = [statement: keyof typeof SQL, params: unknown[]];

/** One unit of work of a write transaction; the writer runs a list of them all or nothing. */
export type WriteOp =
  | { kind: "rows"; rows: Row[] }
  | { kind: "owner"; agentId: string; owner: string }
  | { kind: "trim"; maxRows: number };

/** Connection settings both connections use: WAL lets the reader and the writer run at once. */
export function configure(db: Db): void {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA busy_timeout = 5000");
}

type Statement = { run(...params: unknown[]): { changes: number | bigint } };
export type Statements = Record<keyof typeof SQL, Statement>;

/** Runs the ops in one transaction; returns one result per op (rows removed, for "trim"). */
export function runOps(db: Db, s: Statements, ops: readonly WriteOp[]): number[] {
  return db.transaction(() =>
    ops.map((op) => {
      if (op.kind === "rows") for (const [name, params] of op.rows) s[name].run(...params);
      else if (op.kind === "owner") s.owner.run(op.agentId, op.owner);
      else return Number(s.trim.run(op.maxRows).changes);
      return 0;
    }),
  )();
}

const SQL = {
  upsertAgent: `INSERT INTO agents (agent_id, name, agent_type, runtime, version, description, http_host,
      http_port, namespace, status, a2a_producer, a2a_consumer, entity_id, surfaces, created_at, updated_at, last_full_refresh)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (agent_id) DO UPDATE SET name = excluded.name, agent_type = excluded.agent_type,
      runtime = excluded.runtime, version = excluded.version, description = excluded.description,
      http_host = excluded.http_host, http_port = excluded.http_port, namespace = excluded.namespace,
      status = excluded.status, a2a_producer = excluded.a2a_producer, a2a_consumer = excluded.a2a_consumer,
      entity_id = excluded.entity_id, surfaces = excluded.surfaces, updated_at = excluded.updated_at,
      last_full_refresh = excluded.last_full_refresh`,
  deleteTools: "DELETE FROM capabilities WHERE agent_id = ?",
  insertTool: "INSERT INTO capabilities (seq, agent_id, function_name, capability, body) VALUES (?, ?, ?, ?, ?)",
  touch: "UPDATE agents SET updated_at = ? WHERE agent_id = ? AND updated_at < ?",
  status: "UPDATE agents SET status = ? WHERE agent_id = ?",
  resolution: `INSERT INTO resolutions (agent_id, body) VALUES (?, ?)
      ON CONFLICT (agent_id) DO UPDATE SET body = excluded.body`,
  counters: "UPDATE agents SET total_dependencies = ?, dependencies_resolved = ? WHERE agent_id = ?",
  event: `INSERT INTO registry_events (event_type, agent_id, agent_name, function_name, timestamp, data)
      VALUES (?, ?, ?, ?, ?, ?)`,
  deleteAgent: "DELETE FROM agents WHERE agent_id = ?",
  deleteEvents: "DELETE FROM registry_events WHERE agent_id = ?",
  schema: `INSERT INTO schema_entries (hash, canonical, runtime_origin, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (hash) DO NOTHING`,
  owner:
    "INSERT INTO agent_owners (agent_id, owner) VALUES (?, ?) ON CONFLICT (agent_id) DO UPDATE SET owner = excluded.owner",
  trim: "DELETE FROM registry_events WHERE id <= (SELECT id FROM registry_events ORDER BY id DESC LIMIT 1 OFFSET ?)",
} as const;

export function prepare(db: Db): Statements {
  const out: Partial<Statements> = {};
  for (const [name, sql] of Object.entries(SQL)) out[name as keyof typeof SQL] = db.prepare(sql);
  return out as Statements;
}

/**
 * A batch as statements with their parameters, in the order they must run. Built on the event
 * loop: the JSON bodies are serialised here, and what crosses to the writer thread is flat
 * arrays of strings and numbers, which copy several times faster than the records themselves.
 */
export function encodeBatch(b: WriteBatch): Row[] {
  const rows: Row[] = [];
  for (const a of b.agents ?? []) {
    rows.push([
      "upsertAgent",
      [
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
      ],
    ]);
    rows.push(["deleteTools", [a.agent_id]]);
    for (const t of a.tools) {
      const { seq, ...body } = t;
      rows.push(["insertTool", [seq, a.agent_id, t.function_name, t.capability, JSON.stringify(body)]]);
    }
  }
  for (const t of b.touches ?? []) rows.push(["touch", [t.updated_at, t.agent_id, t.updated_at]]);
  for (const st of b.statuses ?? []) rows.push(["status", [st.status, st.agent_id]]);
  for (const r of b.resolutions ?? []) {
    if (r.resolution) rows.push(["resolution", [r.agent_id, JSON.stringify(r.resolution)]]);
    rows.push(["counters", [r.total, r.resolved, r.agent_id]]);
  }
  for (const e of b.events ?? []) {
    const data = e.dataJson ?? (e.data ? JSON.stringify(e.data) : null);
    rows.push(["event", [e.event_type, e.agent_id, e.agent_name, e.function_name, e.timestamp, data]]);
  }
  for (const sc of b.schemas ?? [])
    rows.push(["schema", [sc.hash, JSON.stringify(sc.canonical), sc.runtime_origin, sc.created_at]]);
  for (const id of b.deletes ?? []) {
    rows.push(["deleteEvents", [id]]);
    rows.push(["deleteAgent", [id]]);
  }
  return rows;
}
