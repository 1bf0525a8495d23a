// Running one of the agent's tools for a call: wait for the first resolution at start-up, refuse
// when a required dependency is missing, inject the dependencies, run the handler, encode its
// value; count every outcome and log a handler that throws.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { CallToolResult } from "@modelcontextprotocol/server";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { AgentConfig } from "./config.js";
import { createMeshLlm } from "./llm/consumer/mesh-llm.js";
import type { AgentMetrics } from "./metrics.js";
import { isAsyncIterable, produceStream } from "./stream-produce.js";
import { type RuntimeTool, toCallToolResult } from "./tool.js";
import type { CallObserver } from "./tracing/observer.js";
import type { ToolArgs, ToolContext } from "./types.js";
import type { Wiring } from "./wiring.js";

export interface ToolRuntime {
  config: AgentConfig;
  wiring: Wiring;
  metrics: AgentMetrics;
  logger: Logger;
  startedAt: number;
  dispatcher: Dispatcher;
  /** Spans for inbound calls (./tracing); absent in runtimes built without one. */
  observer?: CallObserver;
}

export async function runTool(
  rt: ToolRuntime,
  tool: RuntimeTool,
  args: ToolArgs,
  ctx: ToolContext,
): Promise<CallToolResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const span = rt.observer?.inbound(
    ctx,
    tool.name,
    Object.keys(args).length,
    tool.dependencies.map((d) => d.capability),
  );
  try {
    if ((tool.dependencies.length > 0 || tool.llm) && !rt.wiring.settled) await settle(rt);
    const missing = rt.wiring.missingRequired(tool.name);
    if (missing.length > 0) {
      rt.metrics.recordTool(tool.name, "error", seconds());
      const list = missing.map((m) => `${m.key} (capability ${m.capability})`).join(", ");
      span?.end({ error: `required dependency unavailable: ${list}` });
      return {
        content: [
          { type: "text", text: `${ErrorCodes.DEPENDENCY_UNAVAILABLE}: required dependency unavailable: ${list}` },
        ],
        isError: true,
      };
    }
    const deps = rt.wiring.inject(tool.name);
    const value = await tool.handler(args, tool.llm ? withLlm(rt, tool, deps, args) : deps, ctx);
    // Any async iterable streams (./stream-produce.ts); `stream: true` only adds the advertising.
    if (isAsyncIterable(value)) {
      const text = await produceStream(value, ctx, tool.name);
      rt.metrics.recordTool(tool.name, "ok", seconds());
      span?.end({ resultType: "stream" });
      return toCallToolResult(text, false);
    }
    if (tool.stream) throw notAStream(tool.name, value);
    rt.metrics.recordTool(tool.name, "ok", seconds());
    span?.end({ resultType: typeof value === "object" ? (value === null ? "null" : "dict") : typeof value });
    return toCallToolResult(value, tool.output !== undefined);
  } catch (err) {
    rt.metrics.recordTool(tool.name, "error", seconds());
    // The caller gets the message as an MCP tool error (the SDK drops the stack); the log
    // keeps the stack and the trace id to find the call.
    const message = err instanceof Error ? err.message : String(err);
    span?.end({ error: message });
    // A stream whose caller went away did not fail: nobody is left to hear about it.
    if (err instanceof MeshError && err.code === ErrorCodes.CANCELLED)
      rt.logger.debug({ tool: tool.name, trace_id: ctx.traceId }, message);
    else rt.logger.error({ tool: tool.name, trace_id: ctx.traceId, err }, `tool ${tool.name} failed: ${message}`);
    throw err;
  }
}

function notAStream(tool: string, value: unknown): MeshError {
  const got = value === null ? "null" : typeof value;
  return new MeshError(
    ErrorCodes.STREAM_INVALID_CHUNK,
    `tool ${tool} is declared with stream: true but its handler returned ${got}, not an async iterable of strings`,
  );
}

/** At start-up, calls wait (up to the settle timeout) for the registry's first answer. */
function settle(rt: ToolRuntime): Promise<void> {
  const left = rt.startedAt + rt.config.settleTimeoutMs - Date.now();
  if (left <= 0 || !rt.config.registryEnabled) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, left);
    const off = rt.wiring.onChange(done);
    function done() {
      clearTimeout(timer);
      off();
      resolve();
    }
  });
}

/** The dependencies plus this call's `llm` (null while no provider resolves). */
function withLlm(rt: ToolRuntime, tool: RuntimeTool, deps: Record<string, unknown>, args: ToolArgs) {
  const slot = rt.wiring.llmSlot(tool.name);
  const llm =
    slot && slot.target.providers.length > 0
      ? createMeshLlm(slot, args, {
          dispatcher: rt.dispatcher,
          defaultTimeoutMs: rt.config.callTimeoutMs,
          propagateHeaders: rt.config.propagateHeaders,
          onIteration: (provider, model, input, output) =>
            rt.metrics.recordLlm("consumer", provider, model, input, output),
        })
      : null;
  return { ...deps, llm };
}
