// Tracing from the environment: Redis export when MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true
// (REDIS_URL, default redis://localhost:6379 like the reference; stream capped at
// MCP_MESH_TRACE_STREAM_MAXLEN, default 100000); OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set
// (./otlp.ts). OTel spans always go to @opentelemetry/api.
import type { Logger } from "pino";
import { type CallObserver, createCallObserver } from "./observer.js";
import { startOtlp } from "./otlp.js";
import { createRedisSpanSink, type SpanSink } from "./redis-export.js";
import type { AgentIdentity } from "./span-record.js";

type Env = Record<string, string | undefined>;

export async function setupTracing(
  env: Env,
  serviceName: string,
  agent: () => AgentIdentity | undefined,
  logger: Logger,
): Promise<{ observer: CallObserver; close: () => Promise<void> }> {
  const closeOtlp = await startOtlp(env, serviceName, logger);
  let sink: SpanSink | undefined;
  if (/^(true|1|yes)$/i.test(env.MCP_MESH_DISTRIBUTED_TRACING_ENABLED?.trim() ?? "")) {
    const maxLen = Number.parseInt(env.MCP_MESH_TRACE_STREAM_MAXLEN ?? "", 10);
    sink = createRedisSpanSink(
      env.REDIS_URL?.trim() || "redis://localhost:6379",
      Number.isFinite(maxLen) && maxLen > 0 ? maxLen : 100_000,
      logger,
    );
  }
  return {
    observer: createCallObserver(agent, sink),
    close: async () => {
      await sink?.close();
      await closeOtlp();
    },
  };
}
