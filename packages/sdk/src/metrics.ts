// Prometheus metrics of one agent: tool calls served and dependency calls made, with what the
// proxies did to make them (fail-overs, retries, hedges, ejections, re-wirings). One registry
// per agent (not prom-client's global) so several agents can live in one process (tests).
// Labels are bounded: tool and capability names come from the agent's own code and wiring.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SessionObserver } from "./session/index.js";

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What a proxy did for one dependency call, besides the call itself. */
export type DependencyEvent = "failover" | "retry" | "hedge" | "stream_chunk";

export interface AgentMetrics {
  registry: Registry;
  recordTool(tool: string, outcome: "ok" | "error", seconds: number): void;
  recordDependency(capability: string, outcome: "ok" | "error", seconds: number): void;
  countDependency(event: DependencyEvent, capability: string): void;
  /** An outlier ejection or a provider's return from one. */
  countOutlier(kind: "ejected" | "returned"): void;
  /**
   * One LLM iteration (a model call) and its tokens. side: "consumer" (an `llm` tool of this
   * agent, counted from the provider's reported usage) or "provider" (this agent's LLM provider).
   */
  recordLlm(side: "consumer" | "provider", provider: string, model: string, input: number, output: number): void;
  /** Session affinity routes and moves (./session/). */
  sessions: SessionObserver;
  /** Where session assignments live, read at each scrape (undefined until the first session call). */
  watchSessionBackend(backend: () => "redis" | "memory" | undefined): void;
  /** Dependency slots whose providers changed on one resolution. */
  countRewirings(n: number): void;
  /** The agent moved to another of its registries (`to`: that registry, without credentials). */
  countRegistrySwitch(to: string): void;
  setUp(up: boolean): void;
}

export function createMetrics(agent: string): AgentMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ agent });
  const opts = { registers: [registry] };
  const toolCalls = new Counter({
    name: "mcp_mesh_tool_calls_total",
    help: "Tool calls served, by tool and outcome",
    labelNames: ["tool", "outcome"],
    ...opts,
  });
  const toolSeconds = new Histogram({
    name: "mcp_mesh_tool_duration_seconds",
    help: "Time spent in tool handlers",
    labelNames: ["tool"],
    buckets: BUCKETS,
    ...opts,
  });
  const depCalls = new Counter({
    name: "mcp_mesh_dependency_calls_total",
    help: "Calls made through injected dependencies, by capability and outcome",
    labelNames: ["capability", "outcome"],
    ...opts,
  });
  const depSeconds = new Histogram({
    name: "mcp_mesh_dependency_duration_seconds",
    help: "Latency of calls made through injected dependencies (whole call: attempts and backoff)",
    labelNames: ["capability"],
    buckets: BUCKETS,
    ...opts,
  });
  const events: Record<DependencyEvent, Counter<"capability">> = {
    failover: new Counter({
      name: "mcp_mesh_dependency_failovers_total",
      help: "Times a dependency call moved on to another provider after one failed or timed out",
      labelNames: ["capability"],
      ...opts,
    }),
    retry: new Counter({
      name: "mcp_mesh_dependency_retries_total",
      help: "Retry rounds (after backoff) of dependency calls",
      labelNames: ["capability"],
      ...opts,
    }),
    hedge: new Counter({
      name: "mcp_mesh_dependency_hedges_total",
      help: "Hedged requests started (a second provider asked because the first was slow)",
      labelNames: ["capability"],
      ...opts,
    }),
    stream_chunk: new Counter({
      name: "mcp_mesh_dependency_stream_chunks_total",
      help: "Chunks received by dependency streams (dep.stream)",
      labelNames: ["capability"],
      ...opts,
    }),
  };
  const ejections = new Counter({
    name: "mcp_mesh_outlier_ejections_total",
    help: "Provider endpoints ejected by outlier detection",
    ...opts,
  });
  const returns = new Counter({
    name: "mcp_mesh_outlier_returns_total",
    help: "Ejected provider endpoints let back in after answering",
    ...opts,
  });
  const rewirings = new Counter({
    name: "mcp_mesh_rewirings_total",
    help: "Dependency slots re-wired to other providers by a registry resolution",
    ...opts,
  });
  const registrySwitches = new Counter({
    name: "mcp_mesh_registry_switches_total",
    help: "Times the agent moved to another of its registries because its registry stopped answering, by the registry moved to",
    labelNames: ["registry"],
    ...opts,
  });
  const llmTokens = new Counter({
    name: "mcp_mesh_llm_tokens_total",
    help: "LLM tokens by side (consumer|provider), provider (vendor), model and type (input|output)",
    labelNames: ["side", "provider", "model", "type"],
    ...opts,
  });
  const llmIterations = new Counter({
    name: "mcp_mesh_llm_iterations_total",
    help: "LLM iterations (model calls) by side (consumer|provider), provider (vendor) and model",
    labelNames: ["side", "provider", "model"],
    ...opts,
  });
  const sessionRoutes = new Counter({
    name: "mcp_mesh_session_routes_total",
    help: "Session calls routed, by capability and result (hit: its replica was known; new; moved)",
    labelNames: ["capability", "result"],
    ...opts,
  });
  const sessionMoves = new Counter({
    name: "mcp_mesh_session_moves_total",
    help: "Sessions moved to another replica, by capability and reason (left|ejected|failed)",
    labelNames: ["capability", "reason"],
    ...opts,
  });
  let sessionBackend: () => "redis" | "memory" | undefined = () => undefined;
  new Gauge({
    name: "mcp_mesh_session_store_memory_fallback",
    help: "1 while session assignments are kept in this process's memory (no REDIS_URL, or Redis down)",
    ...opts,
    collect() {
      // Before the first session call no assignment is kept anywhere: 0.
      this.set(sessionBackend() === "memory" ? 1 : 0);
    },
  });
  const up = new Gauge({ name: "mcp_mesh_up", help: "1 while the agent serves", ...opts });
  // Label children are cached: looking them up per call would cost more than the increment.
  const cache = new Map<
    string,
    { c: ReturnType<Counter<string>["labels"]>; seconds: ReturnType<Histogram<string>["labels"]> }
  >();
  const child = (kind: "t" | "d", name: string, outcome: string) => {
    const key = `${kind}\0${name}\0${outcome}`;
    let entry = cache.get(key);
    if (!entry) {
      entry =
        kind === "t"
          ? { c: toolCalls.labels(name, outcome), seconds: toolSeconds.labels(name) }
          : { c: depCalls.labels(name, outcome), seconds: depSeconds.labels(name) };
      cache.set(key, entry);
    }
    return entry;
  };
  const eventChildren = new Map<string, ReturnType<Counter<string>["labels"]>>();
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
    countDependency(event, capability) {
      const key = `${event}\0${capability}`;
      let c = eventChildren.get(key);
      if (!c) {
        c = events[event].labels(capability);
        eventChildren.set(key, c);
      }
      c.inc();
    },
    recordLlm(side, provider, model, input, output) {
      // Counters cannot go down: a vendor reporting negative usage is ignored, not a crash.
      llmIterations.inc({ side, provider, model });
      if (input > 0) llmTokens.inc({ side, provider, model, type: "input" }, input);
      if (output > 0) llmTokens.inc({ side, provider, model, type: "output" }, output);
    },
    sessions: {
      routed: (capability, result) => sessionRoutes.inc({ capability, result }),
      moved: (capability, reason) => sessionMoves.inc({ capability, reason }),
    },
    watchSessionBackend(backend) {
      sessionBackend = backend;
    },
    countOutlier(kind) {
      (kind === "ejected" ? ejections : returns).inc();
    },
    countRewirings(n) {
      if (n > 0) rewirings.inc(n);
    },
    countRegistrySwitch(to) {
      registrySwitches.inc({ registry: to });
    },
    setUp(v) {
      up.set(v ? 1 : 0);
    },
  };
}
