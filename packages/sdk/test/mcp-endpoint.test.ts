// /mcp as any MCP caller sees it: the official SDK client, meshctl-style raw calls without
// initialize, SSE answers, and bad input that must be answered without hurting the agent.
import { MESH_VERSION } from "@mcp-mesh/protocol";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { createTestMesh, type TestMesh } from "../src/testing/index.js";
import { callTool, rpc } from "./agent-processes.js";

let m: TestMesh;
let agent: MeshAgent;
let url: string;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "endpoint", description: "the agent under test" });
  agent.tool({
    name: "add",
    description: "Adds two numbers",
    input: { a: z.number(), b: z.number() },
    output: z.object({ sum: z.number() }),
    handler: ({ a, b }) => ({ sum: a + b }),
  });
  agent.tool({
    name: "echo_args",
    input: z.object({ text: z.string() }).passthrough(),
    handler: (args, _deps, ctx) => ({ args, trace: ctx.traceId, headers: ctx.headers }),
  });
  agent.tool({
    name: "slow",
    handler: () => new Promise((r) => setTimeout(() => r("slept"), 300)),
  });
  agent.tool({
    name: "chatty",
    description: "Logs and reports progress while it runs",
    async handler(_args, _deps, ctx) {
      await ctx.log("debug", "starting");
      await ctx.progress(1, 2, "half way");
      await ctx.log("warning", { step: 2 }, "chatty-logger");
      await ctx.progress(2, 2);
      return "done";
    },
  });
  agent.server.registerTool(
    "ask_llm",
    { description: "Asks the caller's LLM (sampling)", inputSchema: z.object({ q: z.string() }) },
    async ({ q }, ctx) => {
      const r = await ctx.mcpReq.requestSampling({
        messages: [{ role: "user", content: { type: "text", text: q } }],
        maxTokens: 10,
      });
      const c = Array.isArray(r.content) ? r.content[0] : r.content;
      return { content: [{ type: "text", text: `llm: ${c?.type === "text" ? c.text : "?"}` }] };
    },
  );
  agent.server.registerResource("readme", "mesh://readme", { mimeType: "text/plain" }, async () => ({
    contents: [{ uri: "mesh://readme", text: "hello resource" }],
  }));
  await m.start();
  url = agent.url as string;
});
afterAll(() => m.close());

describe("the official MCP SDK client", () => {
  it("lists and calls our tools, and reads a resource added through agent.server", async () => {
    const client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    const { tools } = await client.listTools();
    const add = tools.find((t) => t.name === "add");
    expect(add?.description).toBe("Adds two numbers");
    expect(add?.inputSchema.properties).toHaveProperty("a");
    const result = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
    expect(result.structuredContent).toEqual({ sum: 5 });
    expect(result.content).toEqual([{ type: "text", text: '{"sum":5}' }]);
    const res = await client.readResource({ uri: "mesh://readme" });
    expect(res.contents[0]).toMatchObject({ text: "hello resource" });
    await client.close();
  });
});

describe("capabilities", () => {
  it("advertises no list-changed notifications, which a stateless endpoint (GET /mcp 405) cannot deliver", async () => {
    const client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    const caps = client.getServerCapabilities();
    expect(caps?.tools).toBeDefined();
    expect(caps?.resources).toBeDefined();
    expect(caps?.tools?.listChanged).not.toBe(true);
    expect(caps?.resources?.listChanged).not.toBe(true);
    expect(caps?.logging).toEqual({});
    expect((await fetch(`${url}/mcp`, { headers: { accept: "text/event-stream" } })).status).toBe(405);
    await client.close();
  });
});

describe("messages to the caller while a call runs", () => {
  async function connect(capabilities = {}) {
    const client = new Client({ name: "test-client", version: "1.0.0" }, { capabilities });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
    return client;
  }

  it("ctx.log and ctx.progress reach an MCP client, in order, before the result", async () => {
    const client = await connect();
    const seen: string[] = [];
    client.setNotificationHandler("notifications/message", (n) => {
      seen.push(
        `log ${n.params.level} ${JSON.stringify(n.params.data)}${n.params.logger ? ` ${n.params.logger}` : ""}`,
      );
    });
    const result = await client.callTool(
      { name: "chatty", arguments: {} },
      { onprogress: (p) => seen.push(`progress ${p.progress}/${p.total}${p.message ? ` ${p.message}` : ""}`) },
    );
    seen.push(`result ${(result.content as { text: string }[])[0]?.text}`);
    expect(seen).toEqual([
      'log debug "starting"',
      "progress 1/2 half way",
      'log warning {"step":2} chatty-logger',
      "progress 2/2",
      "result done",
    ]);
    await client.close();
  });

  it("a client's logging/setLevel does not filter another caller's messages (stateless: no session)", async () => {
    const quiet = await connect();
    expect(await quiet.setLoggingLevel("emergency")).toEqual({});
    const other = await connect();
    const levels: string[] = [];
    other.setNotificationHandler("notifications/message", (n) => void levels.push(n.params.level));
    await other.callTool({ name: "chatty", arguments: {} });
    expect(levels).toEqual(["debug", "warning"]);
    await Promise.all([quiet.close(), other.close()]);
  });

  it("a JSON-only caller gets the plain JSON answer; the messages are dropped", async () => {
    const r = await rpc(
      url,
      {
        jsonrpc: "2.0",
        id: 3,
        method: "tools/call",
        params: { name: "chatty", arguments: {}, _meta: { progressToken: 1 } },
      },
      { accept: "application/json" },
    );
    expect(r.type).toContain("application/json");
    expect(r.body).toMatchObject({ id: 3, result: { content: [{ type: "text", text: "done" }] } });
  });

  it("routes the server's sampling request to the calling client and its answer back", async () => {
    const client = await connect({ sampling: {} });
    client.setRequestHandler("sampling/createMessage", async (req) => ({
      role: "assistant",
      content: { type: "text", text: `echo ${JSON.stringify(req.params.messages[0]?.content)}` },
      model: "test-model",
    }));
    const result = await client.callTool({ name: "ask_llm", arguments: { q: "hi" } });
    expect(result.content).toEqual([{ type: "text", text: 'llm: echo {"type":"text","text":"hi"}' }]);
    await client.close();
  });

  it("a server request toward a caller that cannot receive it fails at once instead of timing out", async () => {
    const started = Date.now();
    const r = await rpc(
      url,
      { jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "ask_llm", arguments: { q: "hi" } } },
      { accept: "application/json" },
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(r.body.result.isError).toBe(true);
    expect(r.body.result.content[0].text).toContain("text/event-stream");
  });
});

describe("tools/call without initialize (how agents and meshctl call)", () => {
  it("answers JSON, strips reserved arguments, takes the trace id", async () => {
    const trace = "0123456789abcdef0123456789abcdef";
    const r = await callTool(url, "echo_args", {
      text: "x",
      _trace_id: trace,
      _parent_span: "00112233aabbccdd",
      _mesh_headers: { "x-tenant": "t1" },
    });
    expect(r.status).toBe(200);
    expect(r.type).toContain("application/json");
    const value = JSON.parse(r.body.result.content[0].text);
    expect(value).toEqual({ args: { text: "x" }, trace, headers: { "x-tenant": "t1" } });
  });

  it("answers SSE when the caller accepts only text/event-stream", async () => {
    const r = await rpc(
      url,
      { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "add", arguments: { a: 1, b: 1 } } },
      { accept: "text/event-stream" },
    );
    expect(r.status).toBe(200);
    expect(r.type).toContain("text/event-stream");
    const data = JSON.parse(/data: (.*)/.exec(r.text)?.[1] ?? "{}");
    expect(data).toMatchObject({ id: 7, result: { structuredContent: { sum: 2 } } });
  });

  it("accepts a chunked request body", async () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "add", arguments: { a: 20, b: 22 } },
    });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(body.slice(0, 10)));
        c.enqueue(new TextEncoder().encode(body.slice(10)));
        c.close();
      },
    });
    const res = await fetch(`${url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(((await res.json()) as any).result.structuredContent).toEqual({ sum: 42 });
  });

  it("a caller's notifications/cancelled cannot cancel another caller's call", async () => {
    // The running call's internal id is unknown, so cancel every id this agent can have used.
    const slow = rpc(url, { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "slow", arguments: {} } });
    await new Promise((r) => setTimeout(r, 50));
    for (let batch = 0; batch < 20; batch++) {
      const cancels = Array.from({ length: 100 }, (_, i) => ({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: batch * 100 + i + 1, reason: "another caller gave up" },
      }));
      expect((await rpc(url, cancels)).status).toBe(202);
    }
    const r = await Promise.race([slow, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    expect(r?.body).toMatchObject({ id: 9, result: { content: [{ type: "text", text: "slept" }] } });
  });

  it("keeps concurrent callers' ids apart", async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "add", arguments: { a: i, b: 0 } } }),
      ),
    );
    expect(answers.map((a) => a.body.result.structuredContent.sum)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(answers.every((a) => a.body.id === 1)).toBe(true);
  });
});

describe("bad input", () => {
  it("malformed JSON → 400 parse error", async () => {
    const r = await rpc(url, "{not json");
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(-32700);
  });
  it("not JSON-RPC → invalid request", async () => {
    const r = await rpc(url, { hello: "world" });
    expect(r.body.error.code).toBe(-32600);
  });
  it("unknown tool → JSON-RPC error", async () => {
    const r = await callTool(url, "no_such_tool");
    expect(r.body.error.code).toBe(-32602);
    expect(r.body.error.message).toContain("no_such_tool");
  });
  it("arguments failing the zod schema → MCP tool error naming the field", async () => {
    const r = await callTool(url, "add", { a: "one", b: 2 });
    expect(r.body.result.isError).toBe(true);
    expect(r.body.result.content[0].text).toMatch(/a:.*expected number/);
  });
  it("a huge body → 413, and the agent keeps serving", async () => {
    const huge = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "add", arguments: { a: 1, b: 1, pad: "x".repeat(5 * 1024 * 1024) } },
    });
    const r = await rpc(url, huge);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe(-32600);
    const ok = await callTool(url, "add", { a: 1, b: 1 });
    expect(ok.body.result.structuredContent).toEqual({ sum: 2 });
  });
  it("GET /mcp → 405 (stateless: no standalone stream)", async () => {
    expect((await fetch(`${url}/mcp`)).status).toBe(405);
  });
});

describe("probes and metrics", () => {
  it("answers /livez, /ready, /health and counts calls in /metrics", async () => {
    expect(await (await fetch(`${url}/livez`)).json()).toMatchObject({ alive: true, agent: "endpoint" });
    expect(await (await fetch(`${url}/ready`)).json()).toMatchObject({
      ready: true,
      runtime: "standalone",
      mesh_version: MESH_VERSION,
    });
    expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: "healthy" });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/mcp_mesh_tool_calls_total\{tool="add",outcome="ok",agent="endpoint"\} \d+/);
    expect(metrics).toContain("mcp_mesh_tool_duration_seconds_bucket");
  });
});
