// Publishes finished spans to the Redis stream `mesh:trace` like the reference
// (XADD mesh:trace MAXLEN ~ N * field value ...), so the reference registry and meshui show our
// calls. Never on the call's path: records queue in memory (bounded; the oldest are dropped when
// Redis is slow or down) and are sent in batches behind the calls.
import type { Logger } from "pino";

const STREAM = "mesh:trace";
/** Records waiting for Redis beyond this are dropped (memory stays bounded while Redis is down). */
const MAX_QUEUED = 10_000;

interface RedisLike {
  isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[]): Promise<unknown>;
  on(event: string, listener: (...a: unknown[]) => void): unknown;
  destroy?: () => void;
}

export interface SpanSink {
  publish(record: Record<string, string>): void;
  close(): Promise<void>;
}

export function createRedisSpanSink(url: string, maxLen: number, logger: Logger): SpanSink {
  const queue: Record<string, string>[] = [];
  let client: RedisLike | undefined;
  let loading: Promise<void> | undefined;
  let flushing: Promise<void> | undefined;
  let warned = false;
  let closed = false;
  const warn = (why: string) => {
    if (warned) return;
    warned = true;
    logger.warn(
      { reason: why },
      "tracing: cannot publish spans to Redis mesh:trace; spans are dropped until it answers",
    );
  };
  const load = () => {
    loading ??= import("redis").then(
      (mod) => {
        try {
          const c = mod.createClient({ url, socket: { reconnectStrategy: (n: number) => Math.min(n * 200, 5000) } });
          c.on("error", (err: unknown) => warn(String((err as Error)?.message ?? err)));
          c.on("ready", () => {
            warned = false;
          });
          client = c as unknown as RedisLike;
          return c.connect().then(
            () => undefined,
            (err: unknown) => warn(String((err as Error)?.message ?? err)),
          );
        } catch (err) {
          warn(`cannot use REDIS_URL: ${(err as Error).message}`);
        }
      },
      () => warn("the 'redis' package is not installed (npm install redis)"),
    );
    return loading;
  };
  const flush = async () => {
    await load();
    while (queue.length > 0 && client?.isReady && !closed) {
      const batch = queue.splice(0, 100);
      await Promise.all(
        batch.map((r) =>
          client?.sendCommand(["XADD", STREAM, "MAXLEN", "~", String(maxLen), "*", ...Object.entries(r).flat()]),
        ),
      ).catch((err: unknown) => warn(String((err as Error)?.message ?? err)));
    }
    flushing = undefined;
  };
  return {
    publish(record) {
      if (closed) return;
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push(record);
      flushing ??= new Promise<void>((r) => setImmediate(r)).then(flush);
    },
    async close() {
      await flushing?.catch(() => undefined);
      closed = true;
      client?.destroy?.();
    },
  };
}
