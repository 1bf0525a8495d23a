// Prometheus metrics of one agent: tool calls served and dependency calls made. One registry
// per agent (not prom-client's global) so several agents can live in one process (tests).
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface AgentMetrics {
  registry: Registry;
  recordTool(tool: string, outcome: "ok" | "error", seconds: number): void;
  recordDependency(capability: string, outcome: "ok" | "error", seconds: number): void;
  setUp(up: boolean): void;
}

export function createMetrics(agent: string): AgentMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ agent });
  const toolCalls = new Counter({
    name: "mcp_mesh_tool_calls_total",
    help: "Tool calls served, by tool and outcome",
    labelNames: ["tool", "outcome"],
    registers: [registry],
  });
  const toolSeconds = new Histogram({
    name: "mcp_mesh_tool_duration_seconds",
    help: "Time spent in tool handlers",
    labelNames: ["tool"],
    buckets: BUCKETS,
    registers: [registry],
  });
  const depCalls = new Counter({
    name: "mcp_mesh_dependency_calls_total",
    help: "Calls made through injected dependencies, by capability and outcome",
    labelNames: ["capability", "outcome"],
    registers: [registry],
  });
  const depSeconds = new Histogram({
    name: "mcp_mesh_dependency_duration_seconds",
    help: "Latency of calls made through injected dependencies",
    labelNames: ["capability"],
    buckets: BUCKETS,
    registers: [registry],
  });
  const up = new Gauge({ name: "mcp_mesh_up", help: "1 while the agent serves", registers: [registry] });
  // Label children are cached: looking them up per call would cost more than the increment.
  const cache = new Map<
    string,
    {
      calls: Counter<string>;
      seconds: ReturnType<Histogram<string>["labels"]>;
      c: ReturnType<Counter<string>["labels"]>;
    }
  >();
  const child = (kind: "t" | "d", name: string, outcome: string) => {
    const key = `${kind}\0${name}\0${outcome}`;
    let entry = cache.get(key);
    if (!entry) {
      entry =
        kind === "t"
          ? { calls: toolCalls, c: toolCalls.labels(name, outcome), seconds: toolSeconds.labels(name) }
          : { calls: depCalls, c: depCalls.labels(name, outcome), seconds: depSeconds.labels(name) };
      cache.set(key, entry);
    }
    return entry;
  };
  return {
    registry,
    recordTool(tool, outcome, seconds) {
      const e = child("t", tool, outcome);
      e.c.inc();
      e.seconds.observe(seconds);
    },
    recordDependency(capability, outcome, seconds) {
      const e = child("d", capability, outcome);
      e.c.inc();
      e.seconds.observe(seconds);
    },
    setUp(v) {
      up.set(v ? 1 : 0);
    },
  };
}
