// Publishes finished spans to the Redis stream `mesh:trace` like the reference
// (XADD mesh:trace MAXLEN ~ N * field value ...), so the reference registry and meshui show our
// calls. Never on the call's path: finished spans queue in memory as they are (bounded; the
// oldest are dropped when Redis is slow or down); within FLUSH_MS (or at once when a batch is
// full) they are turned into records and sent in batches, each one pipeline, so a call's own
// path only pushes one object.
import type { Logger } from "pino";
import { type AgentIdentity, type FinishedSpan, spanFields } from "./span-record.js";

const STREAM = "mesh:trace";
/** Records waiting for Redis beyond this are dropped (memory stays bounded while Redis is down). */
const MAX_QUEUED = 10_000;
/** Records per pipeline. */
const BATCH = 200;
/**
 * How long a first queued span waits for company. One flush per span (what a setImmediate gave)
 * costs a socket write, a read and two event-loop wake-ups per span at a few hundred calls/s:
 * most of the export's CPU (bench/tracing.mjs). Spans show up at the registry this much later.
 */
const FLUSH_MS = 25;

interface RedisLike {
  isReady: boolean;
  connect(): Promise<unknown>;
  multi(): { addCommand(args: string[]): unknown; execAsPipeline(): Promise<unknown> };
  on(event: string, listener: (...a: unknown[]) => void): unknown;
  destroy?: () => void;
}

export interface SpanSink {
  publish(span: FinishedSpan, agent: AgentIdentity): void;
  close(): Promise<void>;
}

export function createRedisSpanSink(url: string, maxLen: number, logger: Logger): SpanSink {
  const queue: { span: FinishedSpan; agent: AgentIdentity }[] = [];
  let client: RedisLike | undefined;
  let loading: Promise<void> | undefined;
  let flushing: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const flushNow = () => {
    if (timer) clearTimeout(timer);
    wake?.();
  };
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
    wake = undefined;
    await load();
    while (queue.length > 0 && client?.isReady && !closed) {
      const batch = queue.splice(0, BATCH);
      const at = Date.now();
      const cap = String(maxLen);
      // One pipeline per batch (no MULTI/EXEC): about half the CPU of one command promise per
      // span (bench/tracing.mjs, "span work per call").
      const pipeline = client.multi();
      for (const { span, agent } of batch)
        pipeline.addCommand(["XADD", STREAM, "MAXLEN", "~", cap, "*", ...spanFields(span, agent, at)]);
      await pipeline.execAsPipeline().catch((err: unknown) => warn(String((err as Error)?.message ?? err)));
    }
    flushing = undefined;
  };
  return {
    publish(span, agent) {
      if (closed) return;
      if (queue.length >= MAX_QUEUED) queue.shift();
      queue.push({ span, agent });
      if (!flushing)
        flushing = new Promise<void>((r) => {
          wake = r;
          timer = setTimeout(r, FLUSH_MS);
          timer.unref?.();
        }).then(flush);
      else if (queue.length >= BATCH) flushNow();
    },
    async close() {
      flushNow();
      await flushing?.catch(() => undefined);
      closed = true;
      client?.destroy?.();
    },
  };
}
