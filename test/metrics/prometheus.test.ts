// The metrics as an operator sees them: a real Prometheus (Debian package) scrapes a running
// test mesh (our registry as a process, a provider, a consumer, and a registered provider that
// is not listening so calls fail over) and is queried over its HTTP API. Every query of the
// shipped Grafana dashboards must parse and, where this mesh produces the metric, return series
// with the labels the panels use; the shipped scrape config must pass promtool.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Agent } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MeshAgent } from "../../packages/sdk/src/agent.js";
import { decodeResponse } from "../../packages/sdk/src/decode-result.js";
import { mesh } from "../../packages/sdk/src/index.js";
import { providers, waitForDependency } from "../../packages/sdk/src/testing/index.js";
import { postToolsCall } from "../../packages/sdk/src/transport-client.js";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { freePort, type RegistryProcess } from "../interop/processes.js";
import { REPO_ROOT } from "../interop/reference.js";
import { PROMETHEUS, PROMTOOL, type PrometheusProcess, startPrometheus } from "./prometheus.js";

const DASHBOARDS = join(REPO_ROOT, "deploy", "grafana", "dashboards");
const CALLS = 8;
/** Metrics this small mesh never produces (no hedging, streams, LLMs or sessions). */
const NOT_PRODUCED = [
  "mcp_mesh_dependency_hedges_total",
  "mcp_mesh_dependency_stream_chunks_total",
  // LLM and session traffic is counted in packages/sdk/test/llm-e2e and stream-sessions tests.
  "mcp_mesh_llm_",
  "mcp_mesh_session_routes_total",
  "mcp_mesh_session_moves_total",
  "mcp_mesh_session_store_memory_fallback",
];

const missing = [
  ...(existsSync(PROMETHEUS) ? [] : [`${PROMETHEUS} (run node scripts/ensure-prometheus.mjs)`]),
  ...missingOurs(),
];

function agentOn(registryUrl: string, name: string): MeshAgent {
  return mesh.agent({
    name,
    httpPort: 0,
    httpHost: "127.0.0.1",
    bindHost: "127.0.0.1",
    heartbeatInterval: 1,
    logLevel: "silent",
    registryUrl,
    autoRun: false,
    handleSignals: false,
    env: {},
  });
}

const hostPort = (url: string) => new URL(url).host;

const dispatcher = new Agent();
async function call(agent: MeshAgent, tool: string): Promise<unknown> {
  const endpoint = agent.url as string;
  const response = await postToolsCall(dispatcher, {
    endpoint,
    functionName: tool,
    args: {},
    timeoutMs: 10_000,
    headers: {},
    traceId: undefined,
    propagated: {},
  });
  return decodeResponse(response, `${tool} at ${endpoint}`);
}

interface Target {
  refId: string;
  expr: string;
}
function dashboardQueries(): Array<{ file: string; panel: string; expr: string }> {
  return readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith(".json"))
    .flatMap((file) => {
      const d = JSON.parse(readFileSync(join(DASHBOARDS, file), "utf8")) as {
        panels: Array<{ title: string; targets: Target[] }>;
      };
      return d.panels.flatMap((p) => p.targets.map((t) => ({ file, panel: p.title, expr: t.expr })));
    });
}

describeWithPrerequisites("metrics scraped by a real Prometheus", missing, () => {
  let registry: RegistryProcess;
  let prometheus: PrometheusProcess | undefined;
  const agents: MeshAgent[] = [];

  const value = async (expr: string): Promise<number | undefined> => {
    const a = await (prometheus as PrometheusProcess).query(expr);
    const v = a.data?.result[0]?.value[1];
    return v === undefined ? undefined : Number(v);
  };

  beforeAll(async () => {
    registry = await startOurRegistry();
    // A provider of "numbers" that the registry lists but that does not listen: every call
    // that tries it first fails over to the real one, and outlier detection ejects it.
    const ghost = await fetch(`${registry.url}/heartbeat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        agent_id: "ghost-provider-0000aaaa",
        name: "ghost-provider",
        agent_type: "mcp_agent",
        runtime: "typescript",
        version: "1.0.0",
        http_host: "127.0.0.1",
        http_port: await freePort(),
        namespace: "default",
        status: "healthy",
        tools: [
          { function_name: "num", capability: "numbers", version: "1.0.0", inputSchema: { type: "object" } },
          // Only the ghost provides "ghostly": a call with retries retries after backoff.
          { function_name: "vanish", capability: "ghostly", version: "1.0.0", inputSchema: { type: "object" } },
        ],
      }),
    });
    expect(ghost.status).toBe(200);
    const provider = agentOn(registry.url, "metrics-provider");
    provider.tool({ name: "num", capability: "numbers", handler: () => "7" });
    provider.tool({
      name: "boom",
      capability: "broken",
      handler: () => {
        throw new Error("broken on purpose");
      },
    });
    const consumer = agentOn(registry.url, "metrics-consumer");
    consumer.tool({ name: "use", dependencies: { n: "numbers" }, handler: async (_a, { n }) => n?.() });
    consumer.tool({
      name: "use_broken",
      dependencies: { b: "broken" },
      handler: async (_a, { b }) => b?.().catch(() => "failed"),
    });
    consumer.tool({
      name: "use_ghost",
      dependencies: { g: { capability: "ghostly", retries: 2, timeout: 10_000 } },
      handler: async (_a, { g }) => g?.().catch((e: { code?: string }) => e.code),
    });
    agents.push(provider, consumer);
    // The consumer first: the provider's arrival is then propagated to it.
    await consumer.start();
    const watching = Date.now() + 20_000;
    while (!/^mcp_mesh_registry_watch_connections 1$/m.test(await (await fetch(`${registry.url}/metrics`)).text())) {
      if (Date.now() > watching) throw new Error("the consumer opened no watch stream");
      await new Promise((r) => setTimeout(r, 100));
    }
    await provider.start();
    await waitForDependency(consumer, "broken");
    await waitForDependency(consumer, "ghostly");
    const deadline = Date.now() + 20_000;
    while (providers(consumer, "numbers").length < 2) {
      if (Date.now() > deadline)
        throw new Error(`consumer not wired to both providers: ${providers(consumer, "numbers")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Sequential calls: equal replicas rotate, so the ghost is tried first until it is ejected.
    for (let i = 0; i < CALLS; i++) expect(await call(consumer, "use")).toBe("7");
    for (let i = 0; i < 2; i++) expect(await call(consumer, "use_broken")).toBe("failed");
    expect(await call(consumer, "use_ghost")).toBe("unreachable");
    prometheus = await startPrometheus({
      "mcp-mesh-registry": [hostPort(registry.url)],
      "mcp-mesh-agents": agents.map((a) => hostPort(a.url as string)),
    });
    // Two scrapes of every target, so rate() has its two samples.
    const ready = Date.now() + 30_000;
    const scrapes = 'min(count_over_time(up{job=~"mcp-mesh-.*"}[1m])) and count(up{job=~"mcp-mesh-.*"}) == 3';
    while (((await value(scrapes)) ?? 0) < 3) {
      if (Date.now() > ready) throw new Error(`prometheus has not scraped the mesh:\n${prometheus.output()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);

  afterAll(async () => {
    await prometheus?.stop();
    await Promise.all(agents.map((a) => a.stop()));
    await registry?.stop();
    await dispatcher.close();
  });

  it("scrapes the registry and every agent", async () => {
    expect(await value('count(up{job=~"mcp-mesh-.*"} == 1)')).toBe(3);
  });

  it("has the consumer's per-dependency calls, errors, latency, fail-overs, ejections and re-wirings", async () => {
    const c = 'agent="metrics-consumer"';
    expect(await value(`mcp_mesh_dependency_calls_total{${c},capability="numbers",outcome="ok"}`)).toBe(CALLS);
    expect(await value(`mcp_mesh_dependency_calls_total{${c},capability="broken",outcome="error"}`)).toBe(2);
    expect(await value(`mcp_mesh_dependency_duration_seconds_count{${c},capability="numbers"}`)).toBe(CALLS);
    // Rotation puts the ghost first on every other call until three failures eject it.
    expect(await value(`mcp_mesh_dependency_failovers_total{${c},capability="numbers"}`)).toBeGreaterThanOrEqual(3);
    expect(await value(`mcp_mesh_outlier_ejections_total{${c}}`)).toBeGreaterThanOrEqual(1);
    // The ghost-only dependency: refused at once, then two retry rounds after backoff.
    expect(await value(`mcp_mesh_dependency_retries_total{${c},capability="ghostly"}`)).toBe(2);
    expect(await value(`mcp_mesh_dependency_calls_total{${c},capability="ghostly",outcome="error"}`)).toBe(1);
    expect(await value(`mcp_mesh_rewirings_total{${c}}`)).toBeGreaterThanOrEqual(2);
    expect(await value('mcp_mesh_tool_calls_total{agent="metrics-provider",tool="boom",outcome="error"}')).toBe(2);
  });

  it("has the registry's registrations, heartbeats, propagation, watch pushes, store writes and HTTP requests", async () => {
    expect(await value('sum(mcp_mesh_registry_registrations_total{outcome="registered"})')).toBeGreaterThanOrEqual(3);
    expect(await value('sum(mcp_mesh_registry_heartbeats_total{kind="head",code="200"})')).toBeGreaterThanOrEqual(1);
    expect(await value('sum(mcp_mesh_registry_propagations_total{delivery="watch"})')).toBeGreaterThanOrEqual(1);
    expect(await value("mcp_mesh_registry_watch_pushes_total")).toBeGreaterThanOrEqual(1);
    expect(await value("mcp_mesh_registry_watch_connections")).toBe(2);
    expect(await value("mcp_mesh_registry_store_write_duration_seconds_count")).toBeGreaterThanOrEqual(3);
    expect(await value("mcp_mesh_registry_store_write_failures_total")).toBe(0);
    expect(
      await value('sum(mcp_mesh_registry_http_request_duration_seconds_count{route="/heartbeat",code="200"})'),
    ).toBeGreaterThanOrEqual(3);
  });

  it("answers every Grafana dashboard query, with series wherever this mesh produces the metric", async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const q of queries) {
      // Grafana's own variable, as Grafana substitutes it (at least four scrape intervals).
      const expr = q.expr.replaceAll("$__rate_interval", "1m");
      const a = await (prometheus as PrometheusProcess).query(expr);
      const where = `${q.file} "${q.panel}": ${q.expr}`;
      if (a.status !== "success") problems.push(`${where}: ${a.error}`);
      else if (!NOT_PRODUCED.some((m) => q.expr.includes(m)) && (a.data?.result.length ?? 0) === 0)
        problems.push(`${where}: no series`);
    }
    expect(problems).toEqual([]);
  });

  it("ships a scrape config that promtool accepts", async () => {
    if (!existsSync(PROMTOOL)) return; // promtool comes with the Debian package; checked when there
    const { stdout } = await promisify(execFile)(PROMTOOL, [
      "check",
      "config",
      join(REPO_ROOT, "deploy", "prometheus", "prometheus.yml"),
    ]);
    expect(stdout).toContain("SUCCESS");
  });
});
