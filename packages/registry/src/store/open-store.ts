// DATABASE_URL → store. postgres:// URLs get the PostgreSQL store once it exists; anything
// else is a SQLite file path (the reference's rule, PROTOCOL.md §3.5).

import { openSqliteStore } from "./sqlite-store.js";
import type { RegistryStore } from "./store.js";

export async function openStore(databaseUrl: string): Promise<RegistryStore> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error("PostgreSQL storage is not available in this version; use a SQLite file path");
  }
  return openSqliteStore(databaseUrl);
}
