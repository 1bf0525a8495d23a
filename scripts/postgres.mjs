// PostgreSQL for tests, benches and CI. `usePostgres()` answers with a PostgreSQL on 127.0.0.1:
// the one already answering on 5432 (trust auth, user postgres), else a server started here
// from the Debian binaries (/usr/lib/postgresql/<v>/bin, `apt-get install postgresql` when
// missing and we are root) on a free port, in a temp data directory. `startOwnPostgres()`
// always starts one (tests that stop PostgreSQL must own it). `createDatabase()` gives each
// suite a database of its own. Only servers started here are stopped, by their PID. Under CI
// (1/true) a PostgreSQL that cannot be had is an error; elsewhere it resolves to undefined.
//
//   node scripts/postgres.mjs    ensure the binaries are installed and print their directory
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aptInstall, IS_CI, listens, onExit, startOnFreePort, startServer } from "./local-service.mjs";

export { listens };

function binDirs() {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, "bin"));
}

/** The newest Debian PostgreSQL bin directory, installing the package when missing and we may. */
export function postgresBinDir() {
  return binDirs()[0] ?? (aptInstall("postgresql") ? binDirs()[0] : undefined);
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user (or nobody) when we are root. */
function serverUser() {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const row = passwd.find((l) => l.startsWith(`${name}:`))?.split(":");
    if (row) return { uid: Number(row[2]), gid: Number(row[3]) };
  }
  return undefined;
}

function unavailable(why) {
  if (IS_CI) throw new Error(`PostgreSQL is required under CI: ${why}`);
  return undefined;
}

function initDataDir(bin, user) {
  const dir = mkdtempSync(join(tmpdir(), "mesh-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  execFileSync(join(bin, "initdb"), ["-D", join(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8"], {
    stdio: "ignore",
    ...(user ?? {}),
    cwd: dir,
  });
  return dir;
}

/** Launches postgres on `port` over `dir`; resolves once it accepts queries. */
function launch(bin, dir, port, user) {
  const args = ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"];
  // A test server: fsync on a shared disk is slow, and skipping it loses nothing when only the
  // process dies (the OS still has the pages). synchronous_commit stays on: a commit's WAL must
  // be written before it is acknowledged, or an immediate stop (stop(), as a crash) loses it.
  args.push("-c", "fsync=off", "-c", "max_connections=300");
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return startServer({
    name: `postgres on port ${port}`,
    bin: join(bin, "postgres"),
    args,
    spawnOptions: { ...(user ?? {}), cwd: dir },
    ready: async () => (await listens(port)) && (await acceptsQueries(url)),
    // SIGQUIT is PostgreSQL's immediate shutdown: what a crash leaves, recovered at the next start.
    stopSignal: "SIGQUIT",
  });
}

async function acceptsQueries(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A PostgreSQL of our own on a free port: { url, port, pid, stop(), start() }. `url` is the
 * server (database `postgres`); stop() shuts it down at once (SIGQUIT, as a crash would) and
 * start() brings it back on the same port and data. Undefined (or an error under CI) when none
 * can run.
 */
export async function startOwnPostgres() {
  const bin = postgresBinDir();
  if (!bin) return unavailable("the postgresql binaries are not installed (apt-get install -y postgresql)");
  const user = serverUser();
  const dir = initDataDir(bin, user);
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  const forget = onExit(removeDir);
  let port;
  let running;
  try {
    ({ port, server: running } = await startOnFreePort((p) => launch(bin, dir, p, user)));
  } catch (e) {
    forget();
    removeDir();
    return unavailable(e.message);
  }
  const server = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    get pid() {
      return running?.child.pid;
    },
    async stop() {
      const was = running;
      running = undefined;
      await was?.stop();
    },
    async start() {
      if (!running) running = await launch(bin, dir, port, user);
    },
    async destroy() {
      await server.stop();
      forget();
      removeDir();
    },
  };
  return server;
}

/** A PostgreSQL to use: the one on 127.0.0.1:5432 if it answers (never stopped here), else our own. */
export async function usePostgres() {
  const shared = "postgres://postgres@127.0.0.1:5432/postgres";
  if ((await listens(5432)) && (await acceptsQueries(shared))) {
    return { url: shared, port: 5432, pid: undefined, stop: async () => {}, destroy: async () => {} };
  }
  return startOwnPostgres();
}

/** Creates a fresh database on the server at `serverUrl`; returns its URL. */
export async function createDatabase(serverUrl, prefix = "mesh_test") {
  const { default: pg } = await import("pg");
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops a database made by createDatabase (connections to it are ended first). */
export async function dropDatabase(serverUrl, databaseUrl) {
  const { default: pg } = await import("pg");
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bin = postgresBinDir();
  if (!bin) {
    console.error("PostgreSQL is not installed and cannot be installed here (apt-get install -y postgresql)");
    process.exit(IS_CI ? 1 : 0);
  }
  console.log(`postgresql: ${bin}`);
}
