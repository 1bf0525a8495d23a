// PostgreSQL store (node-postgres): the same contract as SQLite, for several registry replicas
// sharing one database. Writes queued while one is in flight share the next (group commit), and
// a group is one round trip (postgres-write.ts). The replica members (change feed, heartbeat
// times, leader lock) live in postgres-feed.ts.
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { EventRecord, Resolution } from "../model.js";
import { follow, LeaderLock } from "./postgres-feed.js";
import { migrate } from "./postgres-schema.js";
import { claimOwner, writeGroup } from "./postgres-write.js";
import { agentFromRow, eventFromRow, type Row, schemaFromRow, toolsByAgent } from "./rows.js";
import type { EventQuery, RegistryStore, RemoteChange, SchemaEntry, StoredState, WriteBatch } from "./store.js";

/** How long feed rows are kept: far longer than any replica takes to read them. */
const CHANGE_RETENTION_MS = 10 * 60_000;

export function openPostgresStore(url: string, opts: { poolSize?: number } = {}): PostgresStore {
  return new PostgresStore(url, opts.poolSize ?? 10);
}

export class PostgresStore implements RegistryStore {
  readonly kind = "postgres";
  /** A write group is one mesh_write() call: one statement, so one transaction, all or nothing. */
  readonly groupCommit = true;
  /** This replica's name in the change feed, so it skips its own changes. */
  readonly replicaId = randomUUID();
  readonly pool: pg.Pool;
  private queue: Array<{ batch: WriteBatch; done: () => void; fail: (e: unknown) => void }> = [];
  private writing = false;
  private scheduled = false;
  /** Feed position as of the last load(): the feed resumes from here. */
  private loadedSeq = 0;
  private readonly leader: LeaderLock;

  constructor(
    readonly url: string,
    poolSize: number,
  ) {
    this.pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      // Fail fast while the database is down: callers answer 503 and retry.
      connectionTimeoutMillis: 5000,
      query_timeout: 30_000,
    });
    // An idle connection the server dropped (restart, failover) must not crash the process:
    // the pool discards it and the next query opens a new one.
    this.pool.on("error", () => {});
    this.leader = new LeaderLock(url);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
  }

  async load(): Promise<StoredState> {
    // Read the feed position first: changes committed while we load are read again, harmlessly.
    const seq = await this.pool.query("SELECT COALESCE(MAX(seq), 0) AS seq FROM mesh_changes");
    this.loadedSeq = Number(seq.rows[0]?.seq ?? 0);
    const tools = toolsByAgent(
      (await this.pool.query("SELECT seq, agent_id, body FROM capabilities ORDER BY seq")).rows,
    );
    const agents = (await this.pool.query("SELECT * FROM agents ORDER BY created_at, agent_id")).rows.map((r: Row) =>
      agentFromRow(r, tools.get(String(r.agent_id)) ?? []),
    );
    const resolutions = new Map<string, Resolution>();
    for (const r of (await this.pool.query("SELECT agent_id, body FROM resolutions")).rows) {
      resolutions.set(String(r.agent_id), JSON.parse(String(r.body)) as Resolution);
    }
    return { agents, resolutions };
  }

  /** Current rows of these agents (with tools and what they were last told). */
  async readAgents(ids: string[], toldIds: string[]): Promise<RemoteChange> {
    const [agentRows, toolRows, toldRows, ownerRows] = await Promise.all([
      this.pool.query("SELECT * FROM agents WHERE agent_id = ANY($1) ORDER BY created_at, agent_id", [ids]),
      this.pool.query("SELECT seq, agent_id, body FROM capabilities WHERE agent_id = ANY($1) ORDER BY seq", [ids]),
      this.pool.query("SELECT agent_id, body FROM resolutions WHERE agent_id = ANY($1)", [toldIds]),
      this.pool.query("SELECT agent_id, owner FROM agent_owners WHERE agent_id = ANY($1)", [ids]),
    ]);
    const tools = toolsByAgent(toolRows.rows);
    const agents = agentRows.rows.map((r: Row) => agentFromRow(r, tools.get(String(r.agent_id)) ?? []));
    const found = new Set(agents.map((a) => a.agent_id));
    const told = new Map<string, Resolution>();
    for (const r of toldRows.rows) told.set(String(r.agent_id), JSON.parse(String(r.body)) as Resolution);
    const owners = new Map(ownerRows.rows.map((r: Row) => [String(r.agent_id), String(r.owner)]));
    return { agents, gone: ids.filter((id) => !found.has(id)), told, owners };
  }

  follow(apply: (change: RemoteChange) => Promise<void>): Promise<() => Promise<void>> {
    return follow(this, this.loadedSeq, apply);
  }

  async heartbeatTimes(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query("SELECT agent_id, updated_at FROM agents WHERE status = 'healthy'");
    return new Map(rows.map((r: Row) => [String(r.agent_id), Number(r.updated_at)]));
  }

  leads(): Promise<boolean> {
    return this.leader.holds();
  }

  async loadOwners(): Promise<Map<string, string>> {
    const { rows } = await this.pool.query("SELECT agent_id, owner FROM agent_owners");
    return new Map(rows.map((r: Row) => [String(r.agent_id), String(r.owner)]));
  }

  async writeOwner(agentId: string, owner: string): Promise<string | undefined> {
    await this.drained();
    return claimOwner(this.pool, agentId, owner, this.replicaId);
  }

  write(batch: WriteBatch): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ batch, done, fail });
      // Writes queued in the same tick go together (the change lane writes a group at once).
      if (!this.writing && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          void this.flush();
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    while (this.queue.length) {
      const items = this.queue;
      this.queue = [];
      try {
        await writeGroup(
          this.pool,
          items.map((i) => i.batch),
          this.replicaId,
        );
        for (const i of items) i.done();
      } catch (e) {
        for (const i of items) i.fail(e);
      }
    }
    this.writing = false;
  }

  /** Resolves once every write queued so far has settled. */
  private drained(): Promise<void> {
    if (!this.writing && !this.scheduled && !this.queue.length) return Promise.resolve();
    return this.write({}).catch(() => undefined);
  }

  async queryEvents(q: EventQuery): Promise<EventRecord[]> {
    await this.drained();
    const where: string[] = [];
    const args: unknown[] = [];
    const filters: Array<[string, string[]]> = [
      ["event_type", q.types],
      ["agent_id", q.agent_ids],
      ["function_name", q.function_names],
    ];
    for (const [column, values] of filters) {
      if (!values.length) continue;
      args.push(values);
      where.push(`${column} = ANY($${args.length})`);
    }
    args.push(q.limit);
    const sql = `SELECT * FROM registry_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${args.length}`;
    return (await this.pool.query(sql, args)).rows.map(eventFromRow);
  }

  async trimEvents(maxRows: number): Promise<number> {
    await this.drained();
    await this.pool.query("DELETE FROM mesh_changes WHERE at < $1", [Date.now() - CHANGE_RETENTION_MS]);
    const r = await this.pool.query(
      "DELETE FROM registry_events WHERE id <= (SELECT id FROM registry_events ORDER BY id DESC LIMIT 1 OFFSET $1)",
      [maxRows],
    );
    return r.rowCount ?? 0;
  }

  async listSchemas(limit: number): Promise<SchemaEntry[]> {
    await this.drained();
    const { rows } = await this.pool.query("SELECT * FROM schema_entries ORDER BY created_at DESC LIMIT $1", [limit]);
    return rows.map(schemaFromRow);
  }

  async getSchema(hash: string): Promise<SchemaEntry | undefined> {
    await this.drained();
    const { rows } = await this.pool.query("SELECT * FROM schema_entries WHERE hash = $1", [hash]);
    return rows[0] ? schemaFromRow(rows[0]) : undefined;
  }

  async ping(): Promise<void> {
    await this.pool.query("SELECT 1");
  }

  async close(): Promise<void> {
    await this.drained();
    // Ending connections to a database that went away can wait for ever: give it a second.
    const settle = (p: Promise<unknown>) =>
      Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
    await settle(this.leader.release());
    await settle(this.pool.end());
  }
}
