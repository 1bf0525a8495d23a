// Reads the agents' spans from Redis `mesh:trace` as the consumer group
// mcp-mesh-registry-processors (MCP_MESH_TRACE_CONSUMER_GROUP), like the reference registry,
// and hands each record to `onRecord`. Redis down: retried every 2 s, said once in the log.
import type { Logger } from "pino";
import { createClient } from "redis";

const STREAM = "mesh:trace";

export function consumeTraces(
  url: string,
  group: string,
  onRecord: (r: Record<string, string>) => void,
  logger: Logger,
): { close: () => Promise<void> } {
  let closed = false;
  let warned = false;
  const client = createClient({ url, socket: { reconnectStrategy: () => 2000 } });
  client.on("error", (err: Error) => {
    if (warned) return;
    warned = true;
    logger.warn({ reason: err.message }, "tracing: Redis unavailable; traces resume when it is back");
  });
  const consumer = `registry-${process.pid}`;
  const loop = async () => {
    await client.connect();
    while (!closed) {
      try {
        await client.sendCommand(["XGROUP", "CREATE", STREAM, group, "$", "MKSTREAM"]).catch((e: Error) => {
          if (!String(e.message).includes("BUSYGROUP")) throw e;
        });
        for (;;) {
          if (closed) return;
          const res = (await client.sendCommand([
            "XREADGROUP",
            "GROUP",
            group,
            consumer,
            "COUNT",
            "200",
            "BLOCK",
            "1000",
            "STREAMS",
            STREAM,
            ">",
          ])) as unknown;
          warned = false;
          const entries = streamEntries(res);
          for (const [, fields] of entries) {
            const rec: Record<string, string> = {};
            for (let i = 0; i + 1 < fields.length; i += 2) rec[String(fields[i])] = String(fields[i + 1]);
            onRecord(rec);
          }
          if (entries.length > 0) await client.sendCommand(["XACK", STREAM, group, ...entries.map((e) => e[0])]);
        }
      } catch (err) {
        if (closed) return;
        if (!warned) logger.warn({ reason: (err as Error).message }, "tracing: reading mesh:trace failed; retrying");
        warned = true;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  };
  const running = loop().catch((err: Error) =>
    logger.warn({ reason: err.message }, "tracing: cannot connect to Redis"),
  );
  return {
    async close() {
      closed = true;
      client.destroy();
      await running;
    },
  };
}

type Entry = [string, string[]];

/** XREADGROUP's answer: node-redis gives `{ stream: entries }` (RESP3-style map) or RESP2 `[[stream, entries]]`. */
function streamEntries(res: unknown): Entry[] {
  if (!res) return [];
  if (Array.isArray(res)) return ((res[0] as [string, Entry[]] | undefined)?.[1] ?? []) as Entry[];
  if (res instanceof Map) return (res.get(STREAM) ?? []) as Entry[];
  return ((res as Record<string, Entry[]>)[STREAM] ?? []) as Entry[];
}
