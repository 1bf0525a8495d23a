// A trace through a reference Python agent (mcp-mesh 3.7.1, a real process with its tracing on):
// our consumer -> the Python agent -> our provider is one trace, with the right parent of every
// span, both in the Redis mesh:trace records all three publish and in our registry's
// /trace/{id}. The caller's W3C traceparent starts it (the Python runtime reads our X-Trace-ID /
// X-Parent-Span; it does not forward tracestate, see docs/observability.md).
import { randomBytes } from "node:crypto";
import type { TraceView } from "@mcp-mesh/protocol";
import { type MeshAgent, mesh } from "@mcp-mesh/sdk";
import { waitForDependency } from "@mcp-mesh/sdk/testing";
import { createClient } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { type RedisServer, startOwnRedis } from "../../scripts/redis.mjs";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";
import { agentOptions } from "./ts-agents.js";

type Rec = Record<string, string>;
const TRACING = { MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true" };

function tsAgent(name: string, registryUrl: string, redisUrl: string): MeshAgent {
  return mesh.agent(agentOptions(name, registryUrl, { ...TRACING, REDIS_URL: redisUrl }));
}

/** Polls until `probe` gives a value (bounded by the test's timeout). */
async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** tools/call over HTTP with the given headers; the result's text. */
async function call(url: string, tool: string, args: Rec, headers: Rec): Promise<string> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: args } }),
  });
  const body = (await res.json()) as { result?: { content?: { text?: string }[] } };
  return (body.result?.content ?? []).map((c) => c.text ?? "").join("");
}

describeWithPrerequisites("a trace through a reference Python agent", [...missingPython(), ...missingOurs()], () => {
  let redis: RedisServer;
  let registry: RegistryProcess;
  let hop: PythonAgent;
  let provider: MeshAgent;
  let consumer: MeshAgent;
  let reader: ReturnType<typeof createClient>;

  beforeAll(async () => {
    const r = await startOwnRedis();
    if (!r) throw new Error("no Redis (scripts/redis.mjs)");
    redis = r;
    registry = await startOurRegistry({ ...TRACING, REDIS_URL: redis.url });
    provider = tsAgent("ts-leaf-agent", registry.url, redis.url);
    provider.tool({
      name: "ts_leaf",
      input: { who: z.string() },
      handler: ({ who }) => `ts_leaf greets ${who}`,
    });
    consumer = tsAgent("ts-entry-agent", registry.url, redis.url);
    consumer.tool({
      name: "ts_entry",
      dependencies: { hop: "py_hop" },
      handler: async (_args, { hop }) => (hop ? `ts_entry -> ${await hop({ who: "ada" })}` : "no hop"),
    });
    [hop] = await Promise.all([
      startPythonAgent("py_trace_hop.py", {
        registryUrl: registry.url,
        name: "py-trace-hop",
        env: { ...TRACING, REDIS_URL: redis.url },
      }),
      provider.start(),
      consumer.start(),
    ]);
    await waitForDependency(consumer, "py_hop", { timeoutMs: 60_000 });
    reader = createClient({ url: redis.url });
    await reader.connect();
  }, 180_000);

  afterAll(async () => {
    reader?.destroy();
    await Promise.allSettled([hop?.stop(), provider?.stop(), consumer?.stop()]);
    await registry?.stop();
    await redis?.stop();
  });

  it("TS consumer -> Python agent -> TS provider is one trace with the right parents, in mesh:trace and /trace/{id}", async () => {
    // A fresh trace per attempt: the first calls may come before Python wired ts_leaf.
    let traceId = "";
    let caller = "";
    await until(async () => {
      traceId = randomBytes(16).toString("hex");
      caller = randomBytes(8).toString("hex");
      const text = await call(
        consumer.url as string,
        "ts_entry",
        {},
        { traceparent: `00-${traceId}-${caller}-01`, tracestate: "acme=t61rcWkgMzE,other=x" },
      );
      return text.includes("ts_leaf greets ada") ? text : undefined;
    }, "the Python agent wired to ts_leaf");

    const want = ["ts_entry", "py_hop", "ts_leaf"];
    const recs = await until(
      async () => {
        const all = ((await reader.xRange("mesh:trace", "-", "+")) ?? []).map((e) => e.message as Rec);
        const mine = all.filter((r) => r.trace_id === traceId);
        const ids = new Set(mine.map((r) => r.span_id));
        const whole =
          want.every((f) => mine.some((r) => r.function_name === f)) &&
          mine.every((r) => r.parent_span === caller || ids.has(r.parent_span as string));
        return whole ? mine : undefined;
      },
      "the span records of all three agents",
      20_000,
    );

    const byId = new Map(recs.map((r) => [r.span_id, r]));
    const one = (f: string) => recs.find((r) => r.function_name === f) as Rec;
    const [entry, pyHop, leaf] = want.map(one) as [Rec, Rec, Rec];
    expect(entry.parent_span).toBe(caller);
    expect(entry.runtime).toBe("typescript");
    expect(pyHop.runtime).toBe("python");
    expect(pyHop.agent_name).toBe("py-trace-hop");
    expect(leaf.runtime).toBe("typescript");
    // Up from the leaf: ts_leaf -> (Python's proxy span) -> py_hop -> our proxy_call_wrapper -> ts_entry.
    const up: string[] = [];
    for (let r: Rec | undefined = leaf; r; r = byId.get(r.parent_span as string)) up.push(r.function_name as string);
    expect(up[0]).toBe("ts_leaf");
    expect(up.at(-1)).toBe("ts_entry");
    expect(up.indexOf("py_hop")).toBeGreaterThan(0);
    expect(byId.get(pyHop.parent_span as string)?.function_name).toBe("proxy_call_wrapper");
    expect(byId.get(pyHop.parent_span as string)?.agent_name).toBe("ts-entry-agent");
    const leafParent = byId.get(leaf.parent_span as string) as Rec;
    expect(leafParent.agent_name).toBe("py-trace-hop");
    // Every record, whoever wrote it, in the §4.3 shape our registry and the reference read.
    for (const r of recs) {
      expect(r.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(r.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.success).toMatch(/^(true|True)$/);
      for (const k of ["start_time", "end_time", "duration_ms", "agent_name", "runtime"]) expect(r[k], k).toBeTruthy();
    }

    // Our registry assembled the same trace from the same records.
    const trace = await until(
      async () => {
        const res = await fetch(`${registry.url}/trace/${traceId}`);
        const body = res.ok ? ((await res.json()) as TraceView) : undefined;
        return body && body.span_count >= recs.length ? body : undefined;
      },
      "the trace at our registry",
      20_000,
    );
    expect(trace.agents.sort()).toEqual(["py-trace-hop", "ts-entry-agent", "ts-leaf-agent"]);
    const spans = new Map(trace.spans.map((s) => [s.span_id, s]));
    for (const r of recs) expect(spans.get(r.span_id as string)?.parent_span, r.function_name).toBe(r.parent_span);
    expect(trace.success).toBe(true);
  }, 120_000);
});
