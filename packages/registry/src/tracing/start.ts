// The registry's tracing: the Redis consumer feeding the trace store and live subscribers.
import type { TraceSpanView } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { TraceFeed } from "../routes/traces.js";
import { consumeTraces } from "./trace-consumer.js";
import { createTraceStore } from "./trace-store.js";

export function startTracing(redisUrl: string, logger: Logger): TraceFeed & { close: () => Promise<void> } {
  const store = createTraceStore();
  const listeners = new Set<(s: TraceSpanView) => void>();
  const group = process.env.MCP_MESH_TRACE_CONSUMER_GROUP?.trim() || "mcp-mesh-registry-processors";
  const consumer = consumeTraces(
    redisUrl,
    group,
    (rec) => {
      const span = store.add(rec);
      if (span) for (const l of listeners) l(span);
    },
    logger,
  );
  return {
    store,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: consumer.close,
  };
}
