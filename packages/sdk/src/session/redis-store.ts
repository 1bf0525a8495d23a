// Session assignments in Redis (REDIS_URL), shared by every consumer replica. Redis is optional
// twice over: the `redis` package is an optional peer (loaded only when a session call is made
// with REDIS_URL set), and a Redis that is down or slow never fails a call: the store answers
// from per-process memory meanwhile, says so once per outage, and uses Redis again once it is back.
import type { Logger } from "pino";
import { type AssignmentStore, createMemoryStore } from "./store.js";

/** A Redis command slower than this counts as Redis being unavailable for that call. */
const COMMAND_TIMEOUT_MS = 250;

// Compare-and-set for a move: keep another consumer's newer assignment.
const MOVE_SCRIPT =
  "local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return ARGV[2] end redis.call('EXPIRE', KEYS[1], ARGV[3]) return v";

interface RedisLike {
  isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: string, listener: (...a: unknown[]) => void): unknown;
  destroy?: () => void;
  disconnect?: () => Promise<void>;
}

export function createRedisStore(url: string, logger: Logger): AssignmentStore {
  const memory = createMemoryStore();
  const where = redactUrl(url);
  let client: RedisLike | undefined;
  let loading: Promise<void> | undefined;
  let down = false;
  let closed = false;
  const fallBack = (why: string) => {
    if (down) return;
    down = true;
    logger.warn(
      { redis: where, reason: why },
      "sessions: Redis unavailable, session assignments kept in this process's memory until it is back",
    );
  };
  const load = () => {
    loading ??= import("redis").then(
      (mod) => {
        if (closed) return;
        let c: RedisLike;
        try {
          c = create(mod, url);
        } catch (err) {
          // A malformed REDIS_URL: say so once, sessions work from memory.
          fallBack(`cannot use REDIS_URL: ${(err as Error).message}`);
          return;
        }
        c.on("error", (err) => fallBack(String((err as Error)?.message ?? err)));
        c.on("ready", () => {
          if (!down) return;
          down = false;
          logger.info({ redis: where }, "sessions: Redis is back, session assignments are shared again");
        });
        client = c;
        // The first session call waits (briefly) for the connection, so that consumers starting
        // together agree from their first call instead of each using its own memory.
        const connected = c.connect().catch((err: unknown) => fallBack(String((err as Error)?.message ?? err)));
        return Promise.race([connected, new Promise((r) => setTimeout(r, 1000).unref())]).then(() => undefined);
      },
      () => {
        down = true;
        logger.warn(
          { redis: where },
          "sessions: REDIS_URL is set but the 'redis' package is not installed (npm install redis); session assignments kept in this process's memory",
        );
      },
    );
    return loading;
  };
  /** The Redis answer, or undefined when Redis cannot answer now (the caller uses memory). */
  const run = async (args: string[]): Promise<unknown> => {
    await load();
    if (!client?.isReady) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        client.sendCommand(args),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      fallBack((err as Error).message);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  };
  const NONE = Symbol("none");
  const answer = async (args: string[]): Promise<string | null | typeof NONE> => {
    const r = await run(args);
    if (r === undefined) return NONE;
    return r === null ? null : String(r);
  };
  return {
    async get(key, ttl) {
      const r = await answer(["GETEX", key, "EX", String(ttl)]);
      if (r === NONE) return memory.get(key, ttl);
      return r ?? undefined;
    },
    async claim(key, agentId, ttl) {
      const set = await answer(["SET", key, agentId, "NX", "EX", String(ttl)]);
      if (set === NONE) return memory.claim(key, agentId, ttl);
      if (set !== null) return agentId;
      const held = await answer(["GETEX", key, "EX", String(ttl)]);
      if (held === NONE) return memory.claim(key, agentId, ttl);
      return held ?? agentId; // expired between the two commands: ours is as good as any
    },
    async move(key, from, to, ttl) {
      const r = await answer(["EVAL", MOVE_SCRIPT, "1", key, from, to, String(ttl)]);
      if (r === NONE || r === null) return memory.move(key, from, to, ttl);
      return r;
    },
    backend: () => (client?.isReady && !down ? "redis" : "memory"),
    async close() {
      closed = true;
      await loading;
      const c = client;
      client = undefined;
      if (c?.destroy) c.destroy();
      else await c?.disconnect?.().catch(() => undefined);
      await memory.close();
    },
  };
}

function create(mod: typeof import("redis"), url: string): RedisLike {
  return mod.createClient({
    url,
    disableOfflineQueue: true, // fail at once while disconnected instead of queueing
    socket: { connectTimeout: 1000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
  }) as unknown as RedisLike;
}

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
