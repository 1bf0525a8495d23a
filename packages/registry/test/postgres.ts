// PostgreSQL for the registry suites (scripts/postgres.mjs brings one up): one server per test
// file, a fresh database per store. Without one the PostgreSQL cases are skipped, except under
// CI, where scripts/postgres.mjs throws and the suite fails.
import { createDatabase, dropDatabase, type PostgresServer, usePostgres } from "../../../scripts/postgres.mjs";

let server: Promise<PostgresServer | undefined> | undefined;

/** The server shared by this test file (started on first use, stopped by stopPostgres). */
export function postgres(): Promise<PostgresServer | undefined> {
  server ??= usePostgres();
  return server;
}

/** A fresh database URL on the shared server, or undefined when there is none. */
export async function freshDatabase(): Promise<string | undefined> {
  const s = await postgres();
  return s ? createDatabase(s.url) : undefined;
}

export async function dropFresh(url: string): Promise<void> {
  const s = await postgres();
  if (s) await dropDatabase(s.url, url).catch(() => {});
}

export async function stopPostgres(): Promise<void> {
  const s = await server;
  server = undefined;
  await s?.stop();
  await s?.destroy();
}
