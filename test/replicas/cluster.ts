// Registry replicas as real processes on one real PostgreSQL database (scripts/postgres.mjs):
// each replica is our mcp-mesh-registry binary on its own free port. Everything started here
// is stopped by PID.
import { fileURLToPath } from "node:url";
import {
  createDatabase,
  type OwnPostgresServer,
  type PostgresServer,
  startOwnPostgres,
  usePostgres,
} from "../../scripts/postgres.mjs";
import { type RegistryProcess, startRegistryProcess } from "../interop/processes.js";

const REGISTRY_BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));

export interface Cluster {
  pg: PostgresServer;
  databaseUrl: string;
  replicas: RegistryProcess[];
  /** Starts one more replica on the same database. */
  add(name: string): Promise<RegistryProcess>;
  stop(): Promise<void>;
}

/**
 * `count` replicas on a fresh database. `own` starts a PostgreSQL of this suite's (for tests
 * that stop it); otherwise the one on 5432 is used when it answers. Throws without one.
 */
export async function startCluster(count: number, env: Record<string, string>, own = false): Promise<Cluster> {
  const pg = (own ? await startOwnPostgres() : await usePostgres()) as PostgresServer | OwnPostgresServer | undefined;
  if (!pg) throw new Error("no PostgreSQL (scripts/postgres.mjs: apt-get install -y postgresql)");
  const databaseUrl = await createDatabase(pg.url, "mesh_replicas");
  const add = (name: string) =>
    startRegistryProcess(name, [process.execPath, REGISTRY_BIN], {
      MCP_MESH_LOG_LEVEL: "warn",
      ...env,
      DATABASE_URL: databaseUrl,
    });
  const replicas: RegistryProcess[] = [];
  try {
    // One after another: several at once is tested by the migration lock, not needed every time.
    for (let i = 0; i < count; i++) replicas.push(await add(`replica-${"abc"[i] ?? i}`));
  } catch (e) {
    for (const r of replicas) await r.stop();
    await pg.stop();
    await pg.destroy();
    throw e;
  }
  return {
    pg,
    databaseUrl,
    replicas,
    add,
    async stop() {
      for (const r of replicas) await r.stop();
      await pg.stop();
      await pg.destroy();
    },
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} ${last ?? ""}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json().catch(() => null) };
}

export async function head(url: string, id: string, headers: Record<string, string> = {}): Promise<number> {
  return (await fetch(`${url}/heartbeat/${id}`, { method: "HEAD", headers })).status;
}

export async function get(url: string, path: string): Promise<{ status: number; json: any }> {
  const r = await fetch(`${url}${path}`);
  return { status: r.status, json: await r.json().catch(() => null) };
}
