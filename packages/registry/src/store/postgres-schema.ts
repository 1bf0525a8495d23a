// The PostgreSQL schema: the shared migration list (migrations.ts) with SQLite's dialect
// translated, plus what only a shared database needs. Migrations run under an advisory lock,
// so replicas starting together apply each one exactly once.
import type pg from "pg";
import { MIGRATIONS } from "./migrations.js";
import { MESH_WRITE_SQL } from "./postgres-function.js";
import { LOCKS } from "./postgres-locks.js";

const SHARED_ONLY = [
  {
    version: 100,
    name: "replicas",
    // Replicas number tools on their own, so a tool's seq is unique per agent, not globally;
    // ties between agents are broken by agent_id (topology.ts), the same on every replica.
    sql: `
ALTER TABLE capabilities DROP CONSTRAINT capabilities_pkey;
ALTER TABLE capabilities ADD PRIMARY KEY (agent_id, seq);
CREATE TABLE mesh_changes (
  seq BIGSERIAL PRIMARY KEY,
  origin TEXT NOT NULL,
  agents TEXT NOT NULL,
  told TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX mesh_changes_at ON mesh_changes (at);
`,
  },
  { version: 101, name: "mesh_write", sql: MESH_WRITE_SQL },
];

function translate(sql: string): string {
  return sql.replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, "BIGSERIAL PRIMARY KEY").replace(/\bINTEGER\b/g, "BIGINT");
}

export async function migrate(client: pg.ClientBase): Promise<void> {
  await client.query("SELECT pg_advisory_lock($1)", [LOCKS.migrate]);
  try {
    await client.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT, applied_at BIGINT)",
    );
    const { rows } = await client.query("SELECT version FROM schema_migrations");
    const applied = new Set(rows.map((r) => Number(r.version)));
    for (const m of [...MIGRATIONS.map((m) => ({ ...m, sql: translate(m.sql) })), ...SHARED_ONLY]) {
      if (applied.has(m.version)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
          m.version,
          m.name,
          Date.now(),
        ]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw e;
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCKS.migrate]);
  }
}
