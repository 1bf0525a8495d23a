// One group of write batches as one round trip: the batches are shaped into what
// mesh_write() (postgres-function.ts) reads, rows as JSON arrays, deduplicated where one
// statement cannot touch a row twice.
import type pg from "pg";
import type { Resolution } from "../model.js";
import { CHANNEL, LOCKS } from "./postgres-locks.js";
import type { WriteBatch } from "./store.js";

/** Last entry per key wins, in first-seen order. */
function lastBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const i of items) m.set(key(i), i);
  return [...m.values()];
}

/** Rows in agent_id order, so two replicas' writes lock shared rows in the same order. */
function byAgent<T extends { agent_id: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.agent_id < b.agent_id ? -1 : a.agent_id > b.agent_id ? 1 : 0));
}

const some = <T>(list: T[]): T[] | undefined => (list.length ? list : undefined);

/** A batch as mesh_write() reads it; absent keys are skipped there. */
function shape(b: WriteBatch): Record<string, unknown> {
  const upserts = byAgent(lastBy(b.agents ?? [], (a) => a.agent_id));
  const tools = upserts.flatMap((a) =>
    a.tools.map(({ seq, ...t }) => ({
      seq,
      agent_id: a.agent_id,
      function_name: t.function_name,
      capability: t.capability,
      body: JSON.stringify(t),
    })),
  );
  const bodies = new Map<string, Resolution>();
  for (const r of b.resolutions ?? []) if (r.resolution) bodies.set(r.agent_id, r.resolution);
  return {
    agents: some(
      upserts.map(({ tools, ...a }) => ({
        ...a,
        a2a_producer: a.a2a_producer ? 1 : 0,
        a2a_consumer: a.a2a_consumer ? 1 : 0,
        surfaces: a.surfaces ? JSON.stringify(a.surfaces) : null,
      })),
    ),
    agent_ids: upserts.map((a) => a.agent_id),
    tools: lastBy(tools, (t) => `${t.agent_id}\0${t.seq}`),
    touches: some(byAgent(lastBy(b.touches ?? [], (t) => t.agent_id))),
    statuses: some(byAgent(lastBy(b.statuses ?? [], (s) => s.agent_id))),
    resolutions: some(byAgent([...bodies].map(([agent_id, body]) => ({ agent_id, body: JSON.stringify(body) })))),
    counters: some(
      byAgent(lastBy(b.resolutions ?? [], (r) => r.agent_id)).map((r) => ({
        agent_id: r.agent_id,
        total: r.total,
        resolved: r.resolved,
      })),
    ),
    events: some(
      (b.events ?? []).map((e, ord) => ({
        ord,
        event_type: e.event_type,
        agent_id: e.agent_id,
        agent_name: e.agent_name,
        function_name: e.function_name,
        timestamp: e.timestamp,
        data: e.dataJson ?? (e.data ? JSON.stringify(e.data) : null),
      })),
    ),
    schemas: some(
      lastBy(b.schemas ?? [], (s) => s.hash).map((s) => ({ ...s, canonical: JSON.stringify(s.canonical) })),
    ),
    deletes: some(b.deletes ?? []),
  };
}

/** PostgreSQL's answers that mean "run the same transaction again": deadlock, serialization. */
const RETRYABLE = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 5;

/**
 * Writes the batches atomically; `origin` names this replica in the change feed. Two replicas
 * writing the same agents' rows at once (one's heartbeat times, the other's re-registration) can
 * deadlock; PostgreSQL then aborts one of them whole, so running it again is safe and is what
 * the caller would do anyway — done here, with a short jittered wait, instead of answering 503.
 */
export async function writeGroup(db: pg.Pool, batches: WriteBatch[], origin: string): Promise<void> {
  const body = JSON.stringify(batches.map(shape));
  for (let attempt = 1; ; attempt++) {
    try {
      await db.query("SELECT mesh_write($1::json, $2, $3)", [body, origin, Date.now()]);
      return;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE.has(code)) throw e;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
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
    await c.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.changes]);
    const change = await c.query(
      "INSERT INTO mesh_changes (origin, agents, told, at) VALUES ($1, $2, '[]', $3) RETURNING seq",
      [origin, JSON.stringify([agentId]), Date.now()],
    );
    await c.query("SELECT pg_notify($1, $2)", [CHANNEL, String(change.rows[0]?.seq)]);
    await c.query("COMMIT");
    c.release();
    return rows[0] ? String(rows[0].owner) : undefined;
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    c.release(e as Error);
    throw e;
  }
}
