// Prometheus metrics of the registry (prom-client, own registry so tests can run several apps).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface RegistryMetrics {
  registry: Registry;
  agents: Gauge<"status">;
  heartbeats: Counter<"kind" | "code">;
  registrations: Counter<"outcome">;
  resolutionSeconds: Histogram<"scope">;
  httpSeconds: Histogram<"method" | "route" | "code">;
  watchConnections: Gauge;
  events: Counter<"type">;
  watchPushes: Counter;
  propagations: Counter<"delivery">;
  storeWriteSeconds: Histogram;
  storeWriteFailures: Counter;
}

export function createMetrics(): RegistryMetrics {
  const registry = new Registry();
  const opts = { registers: [registry] };
  return {
    registry,
    agents: new Gauge({
      name: "mcp_mesh_registry_agents",
      help: "Agents known to the registry, by status",
      labelNames: ["status"],
      ...opts,
    }),
    heartbeats: new Counter({
      name: "mcp_mesh_registry_heartbeats_total",
      help: "Heartbeats received (kind: head|full) by response code",
      labelNames: ["kind", "code"],
      ...opts,
    }),
    registrations: new Counter({
      name: "mcp_mesh_registry_registrations_total",
      help: "Full heartbeats by outcome (registered|updated|error|bad_request)",
      labelNames: ["outcome"],
      ...opts,
    }),
    resolutionSeconds: new Histogram({
      name: "mcp_mesh_registry_resolution_seconds",
      help: "Time to resolve an agent's dependencies (scope: heartbeat|propagation)",
      labelNames: ["scope"],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1],
      ...opts,
    }),
    httpSeconds: new Histogram({
      name: "mcp_mesh_registry_http_request_duration_seconds",
      help: "HTTP request latency by route",
      labelNames: ["method", "route", "code"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
      ...opts,
    }),
    watchConnections: new Gauge({ name: "mcp_mesh_registry_watch_connections", help: "Open /watch streams", ...opts }),
    events: new Counter({
      name: "mcp_mesh_registry_events_total",
      help: "Registry events written, by type",
      labelNames: ["type"],
      ...opts,
    }),
    watchPushes: new Counter({
      name: "mcp_mesh_registry_watch_pushes_total",
      help: "Resolutions pushed to agents on their /watch streams",
      ...opts,
    }),
    propagations: new Counter({
      name: "mcp_mesh_registry_propagations_total",
      help: "Consumers re-resolved with a changed resolution after a provider changed (delivery: watch|heartbeat)",
      labelNames: ["delivery"],
      ...opts,
    }),
    storeWriteSeconds: new Histogram({
      name: "mcp_mesh_registry_store_write_duration_seconds",
      help: "Latency of committed store writes (one per registry change)",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      ...opts,
    }),
    storeWriteFailures: new Counter({
      name: "mcp_mesh_registry_store_write_failures_total",
      help: "Store writes that failed (the change was refused with STORE_UNAVAILABLE)",
      ...opts,
    }),
  };
}
