// DATABASE_URL → store. postgres:// and postgresql:// URLs select PostgreSQL (several replicas
// may share the database); anything else is a SQLite file path (the reference's rule,
// PROTOCOL.md §3.5).

import { openPostgresStore } from "./postgres-store.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { RegistryStore } from "./store.js";

export function isPostgresUrl(databaseUrl: string): boolean {
  return /^postgres(ql)?:\/\//i.test(databaseUrl);
}

export async function openStore(databaseUrl: string): Promise<RegistryStore> {
  if (isPostgresUrl(databaseUrl)) {
    const store = openPostgresStore(databaseUrl);
    try {
      await store.ping();
    } catch (e) {
      await store.close().catch(() => {});
      throw e;
    }
    return store;
  }
  return openSqliteStore(databaseUrl);
}
