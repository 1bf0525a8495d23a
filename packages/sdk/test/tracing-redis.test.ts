// Tracing on real processes and a real Redis (scripts/redis.mjs): a consumer calling a provider
// publishes its spans to `mesh:trace` in the reference's record format (LLM-WIRE.md §4.3), one
// trace with the right parents, which our registry assembles (/trace/{id}, /traces, /traces/stream); a W3C traceparent from the caller continues the caller's trace.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { TraceListView, TraceView } from "@mcp-mesh/protocol";
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { type RedisServer, startOwnRedis } from "../../../scripts/redis.mjs";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import {
  type RecordedRequest,
  type ScriptedLlm,
  type ScriptedTurn,
  startScriptedLlm,
} from "../src/testing/scripted-llm.js";
import { type AgentProcess, callText, rpc, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

const procs: AgentProcess[] = [];
const registries: RegistryProcess[] = [];
const redises: RedisServer[] = [];
const clients: { destroy(): void }[] = [];
const models: ScriptedLlm[] = [];
afterAll(async () => {
  await Promise.allSettled(models.map((m) => m.close()));
  for (const c of clients) c.destroy();
  await Promise.allSettled(procs.map((p) => p.kill()));
  await Promise.allSettled(registries.map((r) => r.stop()));
  await Promise.allSettled(redises.map((r) => r.stop()));
});

type Rec = Record<string, string>;

const execFileAsync = promisify(execFile);
const MESHCTL = fileURLToPath(new URL("../../cli/bin/meshctl.js", import.meta.url));
function meshctl(args: string[]): string {
  return execFileSync(process.execPath, [MESHCTL, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

async function mesh() {
  const redis = await startOwnRedis();
  if (!redis) throw new Error("no Redis (scripts/redis.mjs)");
  redises.push(redis);
  const registry = await startOurRegistry({ MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true", REDIS_URL: redis.url });
  registries.push(registry);
  const env = {
    MCP_MESH_REGISTRY_URL: registry.url,
    REDIS_URL: redis.url,
    MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true",
  };
  const provider = await startAgentProcess("provider.mjs", { ...env, AGENT_NAME: "dates" });
  procs.push(provider);
  const consumer = await startAgentProcess("consumer.mjs", { ...env, AGENT_NAME: "greeter" });
  procs.push(consumer);
  const client = createClient({ url: redis.url });
  clients.push(client);
  await client.connect();
  return { provider, consumer, client, registry, env };
}

async function hello(url: string, headers: Record<string, string> = {}, meta?: Rec) {
  const params = { name: "hello", arguments: { who: "t" }, ...(meta && { _meta: meta }) };
  // Until the consumer is wired its fallback answers; the spans of those calls are ignored.
  return waitFor(
    async () => {
      const r = await rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/call", params }, headers);
      const text = (r.body?.result?.content ?? []).map((c: { text?: string }) => c.text).join("");
      return text.includes("date:CET") ? text : undefined;
    },
    15_000,
    "the consumer wired to the provider",
  );
}

/** What the test reads of a Redis client (node-redis's generic client types do not unify). */
interface StreamReader {
  xRange(key: string, start: string, end: string): Promise<Array<{ message: unknown }> | null>;
}

async function traceRecords(client: StreamReader, pick: (r: Rec[]) => Rec[] | undefined) {
  return waitFor(
    async () => {
      const entries = await client.xRange("mesh:trace", "-", "+");
      return pick((entries ?? []).map((e) => e.message as Rec));
    },
    10_000,
    "span records in mesh:trace",
  );
}

/**
 * The records of the latest trace with a `latest` span, once it holds every span in `needs` and
 * every span's parent (records arrive from several processes, in any order).
 */
function latestWhole(all: Rec[], latest: string, needs: string[]): Rec[] | undefined {
  const top = [...all].reverse().find((r) => r.function_name === latest);
  const mine = top ? all.filter((r) => r.trace_id === top.trace_id) : [];
  const ids = new Set(mine.map((r) => r.span_id));
  const whole =
    needs.every((f) => mine.some((r) => r.function_name === f)) &&
    mine.every((r) => r.parent_span === "null" || ids.has(r.parent_span as string));
  return whole ? mine : undefined;
}

/** The records of the one trace whose provider span arrived (consumer + wrapper + provider). */
const wholeTrace = (recs: Rec[]) => {
  const leaf = recs.find((r) => r.function_name === "get_date");
  if (!leaf) return undefined;
  const mine = recs.filter((r) => r.trace_id === leaf.trace_id);
  const done = ["proxy_call_wrapper", "hello"].every((f) => mine.some((r) => r.function_name === f));
  return done ? mine : undefined;
};

describe("tracing to Redis mesh:trace", () => {
  it("an LLM consumer -> LLM provider (scripted model) -> tool agent call is one trace; the consumer span carries llm_* totals", async () => {
    const { client, registry, env } = await mesh();
    const model = await startScriptedLlm();
    models.push(model);
    // Each request: a tool result seen -> answer; get_date offered -> call it; else say so.
    const step = (req: RecordedRequest): ScriptedTurn => {
      if (req.messages.at(-1)?.role === "tool")
        return { text: "done", usage: { prompt_tokens: 7, completion_tokens: 3 } };
      const offered = (req.tools ?? []).some((t) => JSON.stringify(t).includes("get_date"));
      return offered ? { toolCalls: [{ name: "get_date", arguments: { tz: "CET" } }] } : { text: "no tools" };
    };
    model.push(...Array.from({ length: 400 }, () => step));
    procs.push(await startAgentProcess("llm-provider.mjs", { ...env, AGENT_NAME: "llm-a", LLM_BASE_URL: model.url }));
    const consumer = await startAgentProcess("llm-consumer.mjs", { ...env, PROVIDER_TAGS: "scripted" });
    procs.push(consumer);
    await waitFor(
      async () => ((await callText(consumer.url, "ask", {})).startsWith("done") ? true : undefined),
      20_000,
      "the LLM chain calling the tool agent",
    );
    const recs = await traceRecords(client, (all) => latestWhole(all, "get_date", ["ask", "claude_provider"]));
    const byId = new Map(recs.map((r) => [r.span_id, r]));
    const root = recs.find((r) => r.function_name === "ask") as Rec;
    expect(root.parent_span).toBe("null");
    expect(root.llm_input_tokens).toMatch(/^\d+$/);
    expect(root.llm_total_tokens).toBe(String(Number(root.llm_input_tokens) + Number(root.llm_output_tokens)));
    expect(root.llm_provider).toMatch(/^mesh:http/);
    expect(root.llm_model).toBeTruthy();
    // Every span's ancestry ends at the consumer's root; the tool agent's span is below the provider's.
    const leaf = recs.find((r) => r.function_name === "get_date") as Rec;
    const agentsUp: string[] = [];
    for (let r: Rec | undefined = leaf; r; r = byId.get(r.parent_span as string)) agentsUp.push(r.agent_name as string);
    expect(agentsUp.at(-1)).toBe("llm-consumer");
    expect(agentsUp[0]).toBe("dates");
    expect(agentsUp).toContain("llm-a");
    for (const r of recs) if (r !== root) expect(byId.has(r.parent_span as string), r.function_name).toBe(true);
    const trace = await waitFor(
      async () => {
        const r = await fetch(`${registry.url}/trace/${root.trace_id}`);
        const body = r.ok ? ((await r.json()) as TraceView) : undefined;
        return body && body.span_count >= recs.length ? body : undefined;
      },
      10_000,
      "the LLM trace at the registry",
    );
    expect(trace.agents.sort()).toEqual(["dates", "llm-a", "llm-consumer"]);
    // Each model call is its own span: the consumer's one call to the provider, and under the
    // provider's tool span its two calls to the model, the first holding the get_date it asked for.
    const chats = trace.spans.filter((sp) => sp.llm_iteration !== undefined);
    const consumerChat = chats.find((sp) => sp.agent_name === "llm-consumer");
    const providerChats = chats.filter((sp) => sp.agent_name === "llm-a").sort((a, b) => a.start_time - b.start_time);
    expect(consumerChat?.parent_span).toBe(root.span_id);
    expect(providerChats.map((sp) => sp.llm_iteration)).toEqual([1, 2]);
    const providerSpan = trace.spans.find((sp) => sp.operation === "claude_provider");
    for (const sp of providerChats) expect(sp.parent_span).toBe(providerSpan?.span_id);
    const toolWrapper = trace.spans.find(
      (sp) => sp.span_id === trace.spans.find((x) => x.operation === "get_date")?.parent_span,
    );
    expect(toolWrapper?.parent_span).toBe(providerChats[0]?.span_id);
    // Token usage per GenAI semconv on each iteration; the provider's add up to the consumer's totals.
    for (const sp of chats) {
      expect(sp.operation).toMatch(/^chat \S+$/);
      expect(sp.attributes?.["gen_ai.operation.name"]).toBe("chat");
      expect(sp.attributes?.["gen_ai.usage.input_tokens"]).toMatch(/^\d+$/);
    }
    const sum = (k: "iteration_input_tokens" | "iteration_output_tokens") =>
      providerChats.reduce((n, sp) => n + (sp[k] ?? 0), 0);
    expect(sum("iteration_input_tokens")).toBe(Number(root.llm_input_tokens));
    expect(sum("iteration_output_tokens")).toBe(Number(root.llm_output_tokens));
    expect(consumerChat?.iteration_input_tokens).toBe(Number(root.llm_input_tokens));
    // meshctl trace: the call tree with each iteration's tokens, internal spans hidden unless --all.
    const tree = meshctl(["trace", root.trace_id as string, "--registry-url", registry.url]);
    const lines = tree.split("\n").filter((l) => l.includes(" ms "));
    expect(
      lines.map((l) =>
        l
          .split(" [")[0]
          ?.replace(/^[\s└├│─]+/, "")
          .replace(/^chat .*/, "chat"),
      ),
    ).toEqual(["ask", "chat", "claude_provider", "chat", "get_date", "chat"]);
    expect(lines[0]).toContain("[llm-consumer]");
    expect(lines[0]).toContain(`tokens ${root.llm_input_tokens} in / ${root.llm_output_tokens} out`);
    expect(lines[1]).toMatch(/^└─ chat \S+ \[llm-consumer\] \d+\.\d ms ok {2}iteration 1, tokens \d+ in \/ \d+ out/);
    expect(lines[2]).toMatch(/^ {3}└─ claude_provider \[llm-a\] \d+\.\d ms ok/);
    expect(lines[3]).toMatch(/^ {6}├─ chat \S+ \[llm-a\] .* iteration 1, tokens/);
    expect(lines[4]).toMatch(/^ {6}│ {2}└─ get_date \[dates\] \d+\.\d ms ok/);
    expect(lines[5]).toMatch(/^ {6}└─ chat \S+ \[llm-a\] .* iteration 2, tokens/);
    // meshctl call --tree: the call's result on stdout, its trace id and tree on stderr.
    // Not spawnSync: the scripted model answers from this process's event loop.
    const called = await execFileAsync(
      process.execPath,
      [MESHCTL, "call", "llm-consumer:ask", "--tree", "--registry-url", registry.url],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
    );
    expect(called.stdout).toContain("done");
    const id = /Trace ID: ([0-9a-f]{32})/.exec(called.stderr)?.[1];
    expect(id).toBeTruthy();
    expect(called.stderr).toMatch(
      /ask \[llm-consumer\][^\n]*\n└─ chat [^\n]*\n {3}└─ claude_provider \[llm-a\][^\n]*\n {6}├─ chat [^\n]*\n {6}│ {2}└─ get_date \[dates\]/,
    );
    const full = meshctl(["trace", root.trace_id as string, "--all", "--registry-url", registry.url]);
    expect(full.split("\n").filter((l) => l.includes("proxy_call_wrapper"))).toHaveLength(2);
    expect(trace.spans.find((sp) => sp.operation === "ask")?.llm_total_tokens).toBe(Number(root.llm_total_tokens));

    // llm.stream(): the streamed provider call is the consumer's iteration span, and the
    // provider's stream span hangs under it (not under an id no record has).
    expect(await callText(consumer.url, "ask_stream", {})).toContain("done");
    const streamed = await traceRecords(client, (all) => latestWhole(all, "ask_stream", ["get_date"]));
    const top = streamed.find((r) => r.function_name === "ask_stream") as Rec;
    const chat = streamed.find((r) => r.parent_span === top.span_id && r.llm_iteration === "1") as Rec;
    // The model is in the name when the stream reported it.
    expect(chat?.function_name).toMatch(/^chat( \S+)?$/);
    const providerStream = streamed.find((r) => r.agent_name === "llm-a" && r.parent_span === chat.span_id);
    expect(providerStream?.function_name).toBe("claude_provider_stream");
  });

  it("a consumer -> provider call is one trace: hello (root) -> proxy_call_wrapper -> get_date, fields as the reference writes them", async () => {
    const { consumer, provider, client, registry } = await mesh();
    await hello(consumer.url);
    const recs = await traceRecords(client, wholeTrace);
    const root = recs.find((r) => r.function_name === "hello") as Rec;
    const wrapper = recs.find((r) => r.function_name === "proxy_call_wrapper") as Rec;
    const leaf = recs.find((r) => r.function_name === "get_date") as Rec;
    expect(root && wrapper && leaf).toBeTruthy();
    expect(root.parent_span).toBe("null");
    expect(wrapper.parent_span).toBe(root.span_id);
    expect(leaf.parent_span).toBe(wrapper.span_id);
    expect(root.agent_name).toBe("greeter");
    expect(wrapper.agent_name).toBe("greeter");
    expect(leaf.agent_name).toBe("dates");
    expect(JSON.parse(wrapper.dependencies as string)).toEqual([provider.url]);
    for (const r of [root, wrapper, leaf]) {
      expect(r.trace_id).toMatch(/^[0-9a-f]{32}$/);
      expect(r.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect(r.success).toBe("true");
      expect(r.error).toBe("null");
      expect(r.runtime).toBe("typescript");
      for (const k of ["start_time", "end_time", "published_at"]) expect(r[k]).toMatch(/^\d+\.\d+$/);
      expect(r.duration_ms).toMatch(/^\d+\.\d{2}$/);
      expect(Number(r.end_time)).toBeGreaterThanOrEqual(Number(r.start_time));
      for (const k of ["args_count", "kwargs_count", "injected_dependencies", "agent_port"])
        expect(r[k]).toMatch(/^\d+$/);
      expect(Array.isArray(JSON.parse(r.mesh_positions as string))).toBe(true);
      for (const k of ["agent_id", "agent_namespace", "agent_hostname", "agent_ip", "agent_endpoint", "result_type"])
        expect(r[k], k).toBeTruthy();
    }
    // Our registry consumed the same records and assembled the one trace.
    const trace = await waitFor(
      async () => {
        const r = await fetch(`${registry.url}/trace/${root.trace_id}`);
        const body = r.ok ? ((await r.json()) as TraceView) : undefined;
        return body && body.span_count >= 3 ? body : undefined;
      },
      10_000,
      "the trace at the registry",
    );
    expect(trace.root_span_id).toBe(root.span_id);
    expect(trace.agents.sort()).toEqual(["dates", "greeter"]);
    expect(trace.success).toBe(true);
    const byOp = new Map(trace.spans.map((sp) => [sp.operation, sp]));
    expect(byOp.get("hello")?.parent_span).toBeNull();
    expect(byOp.get("proxy_call_wrapper")?.parent_span).toBe(root.span_id);
    expect(byOp.get("proxy_call_wrapper")?.internal).toBe(true);
    expect(byOp.get("get_date")?.parent_span).toBe(wrapper.span_id);
    const list = (await (await fetch(`${registry.url}/traces?limit=5`)).json()) as TraceListView;
    expect(list.traces[0]?.trace_id).toBe(root.trace_id);
    expect(list.traces[0]?.root_operation).toBe("hello");
    const missing = await fetch(`${registry.url}/trace/${"f".repeat(32)}`);
    expect(missing.status).toBe(404);
    // The live stream shows a new call's spans as they arrive.
    const ac = new AbortController();
    const stream = await fetch(`${registry.url}/traces/stream`, { signal: ac.signal });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    await hello(consumer.url);
    let text = "";
    // Bounded by the test's timeout.
    while (!text.includes('"operation":"get_date"')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain("event: span");
    ac.abort();
    // The child spans lie within their parents.
    expect(Number(leaf.start_time)).toBeGreaterThanOrEqual(Number(wrapper.start_time));
    expect(Number(wrapper.end_time)).toBeLessThanOrEqual(Number(root.end_time) + 0.001);
  });

  it("the caller's trace continues, whether it says it with X-Trace-ID/X-Parent-Span, a traceparent header or _meta.traceparent", async () => {
    const { consumer, client } = await mesh();
    const cases: [Record<string, string>, Rec | undefined][] = [
      [{ "x-trace-id": "a".repeat(32), "x-parent-span": "1".repeat(16) }, undefined],
      [{ traceparent: `00-${"b".repeat(32)}-${"2".repeat(16)}-01` }, undefined],
      [{}, { traceparent: `00-${"c".repeat(32)}-${"3".repeat(16)}-01` }],
    ];
    for (const [i, [headers, meta]] of cases.entries()) {
      const traceId = "abc"[i]?.repeat(32) as string;
      const parent = String(i + 1).repeat(16);
      await hello(consumer.url, headers, meta);
      const recs = await traceRecords(client, (all) => {
        const mine = all.filter((r) => r.trace_id === traceId);
        const done = ["get_date", "proxy_call_wrapper", "hello"].every((f) => mine.some((r) => r.function_name === f));
        return done ? mine : undefined;
      });
      const root = recs.find((r) => r.function_name === "hello" && r.parent_span === parent);
      expect(root, `case ${i}: ${JSON.stringify(recs.map((r) => [r.function_name, r.parent_span]))}`).toBeTruthy();
    }
  });
});
