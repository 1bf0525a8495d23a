// PostgreSQL for tests, benches and CI. `usePostgres()` answers with a PostgreSQL on 127.0.0.1:
// the one already answering on 5432 (trust auth, user postgres), else a server started here
// from the Debian binaries (/usr/lib/postgresql/<v>/bin, `apt-get install postgresql` when
// missing and we are root) on a free port, in a temp data directory. `startOwnPostgres()`
// always starts one (tests that stop PostgreSQL must own it). `createDatabase()` gives each
// suite a database of its own. Only servers started here are stopped, by their PID. Under CI
// (1/true) a PostgreSQL that cannot be had is an error; elsewhere it resolves to undefined.
//
//   node scripts/postgres.mjs    ensure the binaries are installed and print their directory
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const IS_CI = /^(1|true)$/i.test(process.env.CI ?? "");
const started = new Map();
process.on("exit", () => {
  for (const [pid, dir] of started) {
    safeKill(pid, "SIGQUIT");
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

function safeKill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** True when something accepts TCP connections on host:port within 500 ms. */
export function listens(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => done(true));
  });
}

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
  const found = binDirs()[0];
  if (found) return found;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    execFileSync("apt-get", ["update"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return binDirs()[0];
  }
  return undefined;
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
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

/** Launches postgres on `port` over `dir`; resolves once it accepts connections. */
async function launch(bin, dir, port, user) {
  const args = ["-D", join(dir, "data"), "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1"];
  // A test server: fsync on a shared disk is slow, and skipping it loses nothing when only the
  // process dies (the OS still has the pages). synchronous_commit stays on: a commit's WAL must
  // be written before it is acknowledged, or an immediate stop (stop(), as a crash) loses it.
  args.push("-c", "fsync=off", "-c", "max_connections=300");
  const child = spawn(join(bin, "postgres"), args, { stdio: ["ignore", "ignore", "pipe"], ...(user ?? {}), cwd: dir });
  started.set(child.pid, dir);
  let log = "";
  child.stderr.on("data", (c) => (log = (log + c).slice(-4096)));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 30_000;
  while (!(await listens(port)) || !(await acceptsQueries(`postgres://postgres@127.0.0.1:${port}/postgres`))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      safeKill(child.pid, "SIGKILL");
      started.delete(child.pid);
      throw new Error(`postgres did not start on port ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited };
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
  const port = await freePort();
  let running;
  try {
    running = await launch(bin, dir, port, user);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return unavailable(e.message);
  }
  const server = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    get pid() {
      return running?.child.pid;
    },
    async stop() {
      if (!running) return;
      const { child, exited } = running;
      running = undefined;
      if (child.exitCode === null && child.signalCode === null) {
        safeKill(child.pid, "SIGQUIT");
        await exited;
      }
      started.delete(child.pid);
    },
    async start() {
      if (!running) running = await launch(bin, dir, port, user);
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
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
