// Redis for tests, benches and CI. `useRedis()` answers with a Redis on 127.0.0.1: the one
// already answering on 6379, else a `redis-server` started here on a free port (installed with
// apt-get when missing and we are root on Debian). `startOwnRedis()` always starts one (tests
// that stop Redis must own it). Only servers started here are stopped, by their PID. Under
// CI (1/true) a Redis that cannot be had is an error; elsewhere it resolves to undefined.
//
//   node scripts/redis.mjs    ensure redis-server is installed and print a usable REDIS_URL
import { answers, aptInstall, IS_CI, startOnFreePort, startServer, which } from "./local-service.mjs";

/** True when a Redis answers PING on host:port within 500 ms (a peer that hangs up: false). */
export function pings(port, host = "127.0.0.1") {
  return answers(port, { host, send: "PING\r\n", accept: (reply) => reply.startsWith("+PONG") });
}

/** The redis-server binary, installing the Debian package when it is missing and we may. */
export function redisServerBinary() {
  return which("redis-server") ?? (aptInstall("redis-server") ? which("redis-server") : undefined);
}

function unavailable(why) {
  if (IS_CI) throw new Error(`Redis is required under CI: ${why}`);
  return undefined;
}

function launch(bin, port) {
  return startServer({
    name: `redis-server on port ${port}`,
    bin,
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ready: () => pings(port),
  });
}

/**
 * A redis-server of our own on a free port (or `atPort`, to bring one back at the same
 * address): { url, port, pid, stop() }. stop() SIGKILLs it
 * (as a crash would) and waits for the exit. Undefined (or an error under CI) when none can run.
 */
export async function startOwnRedis(atPort) {
  const bin = redisServerBinary();
  if (!bin) return unavailable("redis-server is not installed (apt-get install -y redis-server)");
  let started;
  try {
    started = atPort
      ? { port: atPort, server: await launch(bin, atPort) }
      : await startOnFreePort((p) => launch(bin, p));
  } catch (e) {
    return unavailable(e.message);
  }
  const { port, server } = started;
  return { url: `redis://127.0.0.1:${port}`, port, pid: server.child.pid, stop: server.stop };
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
