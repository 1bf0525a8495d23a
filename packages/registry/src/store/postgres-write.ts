// One group of write batches as one PostgreSQL transaction. Each table gets one statement per
// batch with the rows as a JSON array (json_to_recordset), so a registration costs a handful of
// round trips whatever its number of tools. A group that changed agents records one row in
// mesh_changes and NOTIFYs its seq, under a transaction-scoped lock so that seqs commit in
// order and a replica reading "everything after seq N" never skips one committed late.
import type pg from "pg";
import type { Resolution } from "../model.js";
import { CHANNEL, LOCKS } from "./postgres-schema.js";
import type { WriteBatch } from "./store.js";

const AGENT_COLUMNS = `agent_id text, name text, agent_type text, runtime text, version text, description text,
  http_host text, http_port bigint, namespace text, status text, a2a_producer bigint, a2a_consumer bigint,
  entity_id text, surfaces text, created_at bigint, updated_at bigint, last_full_refresh bigint`;
const AGENT_NAMES = AGENT_COLUMNS.split(",").map((c) => c.trim().split(" ")[0]);

const SQL = {
  upsertAgents: `INSERT INTO agents (${AGENT_NAMES.join(", ")})
    SELECT ${AGENT_NAMES.join(", ")} FROM json_to_recordset($1) AS t(${AGENT_COLUMNS})
    ON CONFLICT (agent_id) DO UPDATE SET ${AGENT_NAMES.filter((c) => c !== "agent_id" && c !== "created_at")
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}`,
  deleteTools: "DELETE FROM capabilities WHERE agent_id = ANY($1)",
  insertTools: `INSERT INTO capabilities (seq, agent_id, function_name, capability, body)
    SELECT seq, agent_id, function_name, capability, body
    FROM json_to_recordset($1) AS t(seq bigint, agent_id text, function_name text, capability text, body text)`,
  touch: `UPDATE agents a SET updated_at = t.updated_at
    FROM json_to_recordset($1) AS t(agent_id text, updated_at bigint)
    WHERE a.agent_id = t.agent_id AND a.updated_at < t.updated_at`,
  // Only real transitions are returned: a replica that marks an agent another one already
  // marked writes no second health event.
  status: `UPDATE agents a SET status = t.status FROM json_to_recordset($1) AS t(agent_id text, status text)
    WHERE a.agent_id = t.agent_id AND a.status <> t.status RETURNING a.agent_id`,
  resolutions: `INSERT INTO resolutions (agent_id, body)
    SELECT agent_id, body FROM json_to_recordset($1) AS t(agent_id text, body text)
    WHERE EXISTS (SELECT 1 FROM agents a WHERE a.agent_id = t.agent_id)
    ON CONFLICT (agent_id) DO UPDATE SET body = excluded.body`,
  counters: `UPDATE agents a SET total_dependencies = t.total, dependencies_resolved = t.resolved
    FROM json_to_recordset($1) AS t(agent_id text, total bigint, resolved bigint) WHERE a.agent_id = t.agent_id`,
  events: `INSERT INTO registry_events (event_type, agent_id, agent_name, function_name, timestamp, data)
    SELECT event_type, agent_id, agent_name, function_name, timestamp, data
    FROM json_to_recordset($1) AS t(ord bigint, event_type text, agent_id text, agent_name text, function_name text,
      timestamp bigint, data text) ORDER BY ord`,
  schemas: `INSERT INTO schema_entries (hash, canonical, runtime_origin, created_at)
    SELECT hash, canonical, runtime_origin, created_at
    FROM json_to_recordset($1) AS t(hash text, canonical text, runtime_origin text, created_at bigint)
    ON CONFLICT (hash) DO NOTHING`,
  deleteEvents: "DELETE FROM registry_events WHERE agent_id = ANY($1)",
  deleteAgents: "DELETE FROM agents WHERE agent_id = ANY($1)",
  lockChanges: "SELECT pg_advisory_xact_lock($1)",
  change: "INSERT INTO mesh_changes (origin, agents, told, at) VALUES ($1, $2, $3, $4) RETURNING seq",
  notify: "SELECT pg_notify($1, $2)",
};

/** Last entry per key wins, in first-seen order (one statement cannot touch a row twice). */
function lastBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const i of items) m.set(key(i), i);
  return [...m.values()];
}

const HEALTH_EVENTS = new Set(["unhealthy", "unregister"]);

async function writeBatch(c: pg.ClientBase, b: WriteBatch, agents: Set<string>, told: Set<string>): Promise<void> {
  const q = (sql: string, rows: unknown) => c.query(sql, [JSON.stringify(rows)]);
  const upserts = lastBy(b.agents ?? [], (a) => a.agent_id);
  if (upserts.length) {
    await q(
      SQL.upsertAgents,
      upserts.map(({ tools, ...a }) => ({
        ...a,
        a2a_producer: a.a2a_producer ? 1 : 0,
        a2a_consumer: a.a2a_consumer ? 1 : 0,
        surfaces: a.surfaces ? JSON.stringify(a.surfaces) : null,
      })),
    );
    const ids = upserts.map((a) => a.agent_id);
    await c.query(SQL.deleteTools, [ids]);
    const tools = upserts.flatMap((a) =>
      a.tools.map(({ seq, ...t }) => ({
        seq,
        agent_id: a.agent_id,
        function_name: t.function_name,
        capability: t.capability,
        body: JSON.stringify(t),
      })),
    );
    if (tools.length)
      await q(
        SQL.insertTools,
        lastBy(tools, (t) => `${t.agent_id}\0${t.seq}`),
      );
    for (const id of ids) agents.add(id);
  }
  if (b.touches?.length)
    await q(
      SQL.touch,
      lastBy(b.touches, (t) => t.agent_id),
    );
  let refused = new Set<string>();
  if (b.statuses?.length) {
    const asked = lastBy(b.statuses, (s) => s.agent_id);
    const { rows } = await q(SQL.status, asked);
    const moved = new Set(rows.map((r) => String(r.agent_id)));
    refused = new Set(asked.map((s) => s.agent_id).filter((id) => !moved.has(id)));
    for (const id of moved) agents.add(id);
  }
  if (b.resolutions?.length) {
    const bodies = new Map<string, Resolution>();
    for (const r of b.resolutions) if (r.resolution) bodies.set(r.agent_id, r.resolution);
    if (bodies.size) {
      await q(
        SQL.resolutions,
        [...bodies].map(([agent_id, body]) => ({ agent_id, body: JSON.stringify(body) })),
      );
      for (const id of bodies.keys()) told.add(id);
    }
    await q(
      SQL.counters,
      lastBy(b.resolutions, (r) => r.agent_id).map((r) => ({
        agent_id: r.agent_id,
        total: r.total,
        resolved: r.resolved,
      })),
    );
  }
  const events = (b.events ?? []).filter((e) => !(HEALTH_EVENTS.has(e.event_type) && refused.has(e.agent_id)));
  if (events.length) {
    await q(
      SQL.events,
      events.map((e, ord) => ({
        ord,
        event_type: e.event_type,
        agent_id: e.agent_id,
        agent_name: e.agent_name,
        function_name: e.function_name,
        timestamp: e.timestamp,
        data: e.dataJson ?? (e.data ? JSON.stringify(e.data) : null),
      })),
    );
  }
  if (b.schemas?.length) {
    await q(
      SQL.schemas,
      lastBy(b.schemas, (s) => s.hash).map((s) => ({ ...s, canonical: JSON.stringify(s.canonical) })),
    );
  }
  if (b.deletes?.length) {
    await c.query(SQL.deleteEvents, [b.deletes]);
    await c.query(SQL.deleteAgents, [b.deletes]);
    for (const id of b.deletes) agents.add(id);
  }
}

/** Writes the batches in one transaction; `origin` names this replica in the change feed. */
export async function writeGroup(c: pg.ClientBase, batches: WriteBatch[], origin: string): Promise<void> {
  const agents = new Set<string>();
  const told = new Set<string>();
  await c.query("BEGIN");
  try {
    for (const b of batches) await writeBatch(c, b, agents, told);
    if (agents.size || told.size) {
      await c.query(SQL.lockChanges, [LOCKS.changes]);
      const { rows } = await c.query(SQL.change, [
        origin,
        JSON.stringify([...agents]),
        JSON.stringify([...told]),
        Date.now(),
      ]);
      await c.query(SQL.notify, [CHANNEL, String(rows[0]?.seq)]);
    }
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  }
}

/**
 * The first owner of an agent wins across replicas; the claim is announced on the change feed
 * so the other replicas' ownership checks know it. Returns the owner as stored.
 */
export async function claimOwner(
  pool: pg.Pool,
  agentId: string,
  owner: string,
  origin: string,
): Promise<string | undefined> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query(
      "INSERT INTO agent_owners (agent_id, owner) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM agents WHERE agent_id = $1) ON CONFLICT (agent_id) DO NOTHING",
      [agentId, owner],
    );
    const { rows } = await c.query("SELECT owner FROM agent_owners WHERE agent_id = $1", [agentId]);
    await c.query(SQL.lockChanges, [LOCKS.changes]);
    const change = await c.query(SQL.change, [origin, JSON.stringify([agentId]), "[]", Date.now()]);
    await c.query(SQL.notify, [CHANNEL, String(change.rows[0]?.seq)]);
    await c.query("COMMIT");
    c.release();
    return rows[0] ? String(rows[0].owner) : undefined;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    c.release(e as Error);
    throw e;
  }
}
