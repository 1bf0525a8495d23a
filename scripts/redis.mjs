// Redis for tests, benches and CI. `useRedis()` answers with a Redis on 127.0.0.1: the one
// already answering on 6379, else a `redis-server` started here on a free port (installed with
// apt-get when missing and we are root on Debian). `startOwnRedis()` always starts one (tests
// that stop Redis must own it). Only servers started here are stopped, by their PID. Under
// CI (1/true) a Redis that cannot be had is an error; elsewhere it resolves to undefined.
//
//   node scripts/redis.mjs    ensure redis-server is installed and print a usable REDIS_URL
import { execFileSync, spawn } from "node:child_process";
import { connect, createServer } from "node:net";

const IS_CI = /^(1|true)$/i.test(process.env.CI ?? "");
const started = new Set();
process.on("exit", () => {
  for (const pid of started) safeKill(pid);
});

function safeKill(pid) {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** True when a Redis answers PING on host:port within 500 ms. */
export function pings(port, host = "127.0.0.1") {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once("error", () => done(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => done(d.toString().startsWith("+PONG")));
  });
}

function which(cmd) {
  try {
    return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The redis-server binary, installing the Debian package when it is missing and we may. */
export function redisServerBinary() {
  const found = which("redis-server");
  if (found) return found;
  if (process.getuid?.() === 0 && which("apt-get")) {
    execFileSync("apt-get", ["update"], { stdio: "ignore" });
    execFileSync("apt-get", ["install", "-y", "redis-server"], {
      stdio: "ignore",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return which("redis-server");
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
  if (IS_CI) throw new Error(`Redis is required under CI: ${why}`);
  return undefined;
}

/**
 * A redis-server of our own on a free port (or `atPort`, to bring one back at the same
 * address): { url, port, pid, stop() }. stop() SIGKILLs it
 * (as a crash would) and waits for the exit. Undefined (or an error under CI) when none can run.
 */
export async function startOwnRedis(atPort) {
  const bin = redisServerBinary();
  if (!bin) return unavailable("redis-server is not installed (apt-get install -y redis-server)");
  const port = atPort ?? (await freePort());
  const child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.add(child.pid);
  let log = "";
  child.stderr.on("data", (c) => (log = (log + c).slice(-4096)));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      safeKill(child.pid);
      started.delete(child.pid);
      return unavailable(`redis-server did not start on port ${port}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        safeKill(child.pid);
        await exited;
      }
      started.delete(child.pid);
    },
  };
}

/** A Redis to use: the one on 127.0.0.1:6379 if it answers (never stopped here), else our own. */
export async function useRedis() {
  if (await pings(6379)) return { url: "redis://127.0.0.1:6379", port: 6379, pid: undefined, stop: async () => {} };
  return startOwnRedis();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bin = redisServerBinary();
  if (!bin) {
    console.error("redis-server is not installed and cannot be installed here (apt-get install -y redis-server)");
    process.exit(IS_CI ? 1 : 0);
  }
  console.log(`redis-server: ${bin}`);
}
