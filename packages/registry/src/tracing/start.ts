// The registry's tracing: the Redis consumer feeding the trace store, the traffic per edge and
// live subscribers.
import type { TraceSpanView } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { RegistryCore } from "../core.js";
import { endpointOf } from "../model.js";
import type { TraceFeed } from "../routes/traces.js";
import { consumeTraces } from "./trace-consumer.js";
import { createTraceStore } from "./trace-store.js";
import { type AgentRef, createTrafficAggregator, type TrafficAggregator } from "./traffic.js";

/** `core` names the agent at an endpoint, for calls no provider span answered. */
export function startTracing(
  redisUrl: string,
  logger: Logger,
  core?: RegistryCore,
): TraceFeed & { traffic: TrafficAggregator; close: () => Promise<void> } {
  const store = createTraceStore();
  const traffic = createTrafficAggregator({ agentAt: core && agentAtEndpoint(core) });
  const listeners = new Set<(s: TraceSpanView) => void>();
  const group = process.env.MCP_MESH_TRACE_CONSUMER_GROUP?.trim() || "mcp-mesh-registry-processors";
  const consumer = consumeTraces(
    redisUrl,
    group,
    (rec) => {
      const span = store.add(rec);
      if (!span) return;
      traffic.add(span);
      for (const l of listeners) l(span);
    },
    logger,
  );
  return {
    store,
    traffic,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: consumer.close,
  };
}

/** The agent serving at an endpoint, for calls no provider span answered (an index rebuilt at most once a second). */
export function agentAtEndpoint(core: RegistryCore): (endpoint: string) => AgentRef | undefined {
  let index = new Map<string, AgentRef>();
  let builtAt = Number.NEGATIVE_INFINITY;
  return (endpoint) => {
    if (core.now() - builtAt > 1000) {
      index = new Map();
      for (const a of core.eachAgent()) index.set(endpointOf(a), { id: a.agent_id, name: a.name });
      builtAt = core.now();
    }
    return index.get(endpoint);
  };
}
