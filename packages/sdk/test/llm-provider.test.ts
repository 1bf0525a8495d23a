// An LLM provider agent as a real process, pointed by baseURL at the scripted model (through the
// real @ai-sdk/openai-compatible provider, over real HTTP), with a tool agent whose tools carry
// `_mesh_endpoint`: called with raw HTTP exactly as a Python consumer calls it (LLM-WIRE §1.5).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type ScriptedLlm, startScriptedLlm } from "../src/testing/scripted-llm.js";
import { type AgentProcess, callText, rpc, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

let registry: RegistryProcess;
let llm: ScriptedLlm;
let provider: AgentProcess;
let tools: AgentProcess;

beforeAll(async () => {
  llm = await startScriptedLlm();
  registry = await startOurRegistry();
  const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
  [provider, tools] = await Promise.all([
    startAgentProcess("llm-provider.mjs", { ...env, LLM_BASE_URL: llm.url }),
    startAgentProcess("llm-tools.mjs", env),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.allSettled([provider?.stop(), tools?.stop()]);
  await registry?.stop();
  await llm?.close();
});

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

/** The Python consumer's request of LLM-WIRE §1.5 A, with the tool at the test's tool agent. */
function pythonRequest(tool: Record<string, unknown>[], modelParams: Record<string, unknown> = {}) {
  return {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "claude_provider",
      arguments: {
        request: {
          messages: [
            {
              role: "system",
              content:
                "You are a calculator assistant.\n\nYou have access to tools. Use them when needed to gather information.",
            },
            { role: "user", content: "What is 2 + 3?" },
          ],
          tools: tool,
          model_params: { max_tokens: 1024, temperature: 0.2, max_iterations: 5, ...modelParams },
          context: null,
          request_id: null,
          caller_agent: null,
        },
        _trace_id: TRACE,
        _parent_span: "00f067aa0ba902b7",
        _mesh_headers: { "x-mesh-timeout": "300" },
      },
    },
  };
}

const meshTool = (name: string, description = "") => ({
  type: "function",
  function: {
    name,
    description,
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
    _mesh_endpoint: tools.url,
  },
});

async function toolCalls(): Promise<
  Array<{ tool: string; args: unknown; traceId: string; headers: Record<string, string> }>
> {
  return JSON.parse(await callText(tools.url, "calls"));
}

function envelopeOf(r: { body: any }) {
  expect(r.body?.error).toBeUndefined();
  const content = r.body.result.content;
  expect(content).toHaveLength(1);
  expect(content[0].type).toBe("text");
  return { isError: r.body.result.isError === true, envelope: JSON.parse(content[0].text) };
}

describe("LLM provider agent (real processes, scripted model)", () => {
  it("sends the caller's propagated headers only to registered agents, never to an endpoint the request names", async () => {
    // An endpoint no agent registered: a plain server that records what reaches it.
    const seen: Array<{ headers: Record<string, unknown>; body: string }> = [];
    const rogue = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen.push({ headers: req.headers, body });
        const id = JSON.parse(body).id;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: "5" }] } }));
      });
    });
    await new Promise<void>((r) => rogue.listen(0, "127.0.0.1", r));
    try {
      const rogueUrl = `http://127.0.0.1:${(rogue.address() as AddressInfo).port}`;
      llm.push({ toolCalls: [{ name: "add", arguments: { a: 2, b: 3 }, id: "toolu_r" }] }, { text: "5" });
      const req = pythonRequest([
        { ...meshTool("add"), function: { ...meshTool("add").function, _mesh_endpoint: rogueUrl } },
      ]);
      req.params.arguments._mesh_headers = {
        "x-mesh-timeout": "300",
        authorization: "Bearer canary-user-token",
      } as never;
      envelopeOf(await rpc(provider.url, req, { authorization: "Bearer canary-user-token" }));
      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers.authorization).toBeUndefined();
      expect(JSON.stringify(seen[0])).not.toContain("canary");
      // The trace still goes along.
      expect(seen[0]?.headers["x-trace-id"]).toBe(TRACE);
    } finally {
      await new Promise((r) => rogue.close(r));
    }
  });

  it("answers a Python consumer's request: runs the mesh tool with the model's arguments and returns the envelope", async () => {
    // The provider forwards propagated headers only to agents the registry lists as healthy.
    await waitFor(
      async () => {
        const res = await fetch(`${registry.url}/agents`);
        const { agents } = (await res.json()) as { agents: { endpoint: string; status: string }[] };
        return agents.some((a) => a.endpoint === tools.url && a.status === "healthy") ? true : undefined;
      },
      15_000,
      "the tool agent listed healthy",
    );
    const before = llm.requests.length;
    llm.push(
      {
        toolCalls: [{ name: "add", arguments: { a: 2, b: 3 }, id: "toolu_01" }],
        usage: { prompt_tokens: 800, completion_tokens: 12 },
      },
      { text: "2 + 3 = 5", usage: { prompt_tokens: 812, completion_tokens: 14 } },
    );
    const r = await rpc(provider.url, pythonRequest([meshTool("add", "Add two numbers")]), {
      "x-trace-id": TRACE,
      "x-parent-span": "00f067aa0ba902b7",
      "x-mesh-timeout": "300",
    });
    const { envelope } = envelopeOf(r);
    expect(envelope).toEqual({
      role: "assistant",
      content: "2 + 3 = 5",
      _mesh_usage: { prompt_tokens: 1612, completion_tokens: 26, model: "openai-compatible/scripted-model" },
    });
    // The tool agent really ran, with the model's arguments, in the caller's trace.
    const ran = (await toolCalls()).filter((c) => c.tool === "add");
    // The caller's propagated headers (`_mesh_headers`) travel on to the tool.
    expect(ran.at(-1)).toMatchObject({ args: { a: 2, b: 3 }, traceId: TRACE, headers: { "x-mesh-timeout": "300" } });
    // What the model saw: the consumer's messages and settings, a plain tool, then the result.
    const [first, second] = llm.requests.slice(before);
    expect(first?.messages).toEqual([
      {
        role: "system",
        content:
          "You are a calculator assistant.\n\nYou have access to tools. Use them when needed to gather information.",
      },
      { role: "user", content: "What is 2 + 3?" },
    ]);
    expect(first?.body).toMatchObject({ model: "scripted-model", temperature: 0.2, max_tokens: 1024 });
    expect(JSON.stringify(first?.tools)).not.toContain("_mesh_endpoint");
    expect(first?.tools?.[0]).toMatchObject({
      type: "function",
      function: { name: "add", description: "Add two numbers" },
    });
    expect(second?.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "toolu_01", content: "5" });
  });

  it("uses its own modelParams when the consumer sends none, and tolerates unknown model_params keys", async () => {
    const before = llm.requests.length;
    llm.push({ text: "hi" });
    const req = pythonRequest([]);
    req.params.arguments.request.model_params = {
      response_format: { type: "json_object" },
      _mesh_gemini_response_json_schema: true,
      thinking_config: {},
    } as never;
    const { envelope } = envelopeOf(await rpc(provider.url, req));
    expect(envelope.content).toBe("hi");
    expect(llm.requests[before]?.body).toMatchObject({ temperature: 0.7, max_tokens: 256 });
    expect(llm.requests[before]?.tools).toBeUndefined();
  });

  it("stops at max_iterations with the stop reason and the usage of every iteration", async () => {
    llm.push(
      { toolCalls: [{ name: "add", arguments: { a: 1, b: 1 } }], text: "Let me add." },
      { toolCalls: [{ name: "add", arguments: { a: 2, b: 2 } }] },
    );
    const { envelope } = envelopeOf(await rpc(provider.url, pythonRequest([meshTool("add")], { max_iterations: 2 })));
    expect(envelope).toMatchObject({ content: "Let me add.", _mesh_stop_reason: "max_iterations" });
    expect(envelope._mesh_usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 10 });
    expect(llm.remaining).toBe(0);
  });

  it("runs one turn's tool calls concurrently with parallel_tool_calls, one after the other without", async () => {
    for (const [parallel, expected] of [
      [true, "met"],
      [false, "alone"],
    ] as const) {
      const before = llm.requests.length;
      llm.push(
        {
          toolCalls: [
            { name: "meet", arguments: {} },
            { name: "meet", arguments: {} },
          ],
        },
        { text: "done" },
      );
      const params = parallel ? { parallel_tool_calls: true } : {};
      envelopeOf(await rpc(provider.url, pythonRequest([meshTool("meet")], params)));
      const results = (llm.requests[before + 1]?.messages ?? []).filter((m) => m.role === "tool").map((m) => m.content);
      // `meet` answers "met" only when another call is in flight at the same time.
      expect(results).toEqual([expected, expected]);
    }
  }, 30_000);

  it("feeds a failing tool's error to the model, which recovers", async () => {
    const before = llm.requests.length;
    llm.push(
      {
        toolCalls: [
          { name: "broken", arguments: {} },
          { name: "multiply", arguments: { a: 6, b: 7 } },
        ],
      },
      { text: "6 x 7 = 42 (the other tool failed)" },
    );
    const { envelope } = envelopeOf(await rpc(provider.url, pythonRequest([meshTool("broken"), meshTool("multiply")])));
    expect(envelope.content).toBe("6 x 7 = 42 (the other tool failed)");
    const seen = llm.requests[before + 1]?.messages ?? [];
    const toolMessages = seen.filter((m) => m.role === "tool");
    expect(toolMessages).toHaveLength(2);
    expect(JSON.parse(String(toolMessages[0]?.content))).toEqual({
      error: expect.stringContaining("the abacus is broken"),
    });
    expect(JSON.parse(String(toolMessages[1]?.content))).toEqual({ product: 42 });
  });

  it("returns the model's tool_calls when tools carry no endpoint (legacy path)", async () => {
    llm.push({ toolCalls: [{ name: "add", arguments: { a: 2, b: 3 }, id: "toolu_01A" }] });
    const noEndpoint = { type: "function", function: { name: "add", parameters: { type: "object" } } };
    const { envelope } = envelopeOf(await rpc(provider.url, pythonRequest([noEndpoint])));
    expect(envelope.tool_calls).toEqual([
      { id: "toolu_01A", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } },
    ]);
    expect(envelope.content).toBe("");
  });

  it("asks for structured output with the wire's output_schema and returns the JSON text as content", async () => {
    const before = llm.requests.length;
    llm.push({ json: { answer: 5, explanation: "2 + 3" } });
    const schema = {
      type: "object",
      properties: { answer: { type: "number" }, explanation: { type: "string" } },
      required: ["answer", "explanation"],
    };
    const { envelope } = envelopeOf(
      await rpc(provider.url, pythonRequest([], { output_schema: schema, output_type_name: "CalcResult" })),
    );
    expect(JSON.parse(envelope.content)).toEqual({ answer: 5, explanation: "2 + 3" });
    expect(llm.requests[before]?.response_format).toMatchObject({
      type: "json_schema",
      json_schema: { name: "CalcResult", schema: { properties: schema.properties } },
    });
  });

  it("turns a vendor failure into a tool error carrying the vendor's message", async () => {
    llm.push({ error: "model overloaded", status: 503 });
    const r = await rpc(provider.url, pythonRequest([]));
    expect(r.body.result.isError).toBe(true);
    expect(r.body.result.content[0].text).toContain(
      "llm_provider_error: LLM provider openai-compatible/scripted-model: HTTP 503: model overloaded",
    );
  });

  it("refuses a request without messages with a JSON-RPC/MCP validation error, and keeps serving", async () => {
    const r = await rpc(provider.url, {
      jsonrpc: "2.0",
      id: 9,
      method: "tools/call",
      params: { name: "claude_provider", arguments: { request: { tools: [] } } },
    });
    expect(r.status).toBeLessThan(500);
    const text = JSON.stringify(r.body);
    expect(text).toMatch(/messages/);
    expect(text).not.toMatch(/at .*\.js:\d+/);
    llm.push({ text: "still here" });
    expect(envelopeOf(await rpc(provider.url, pythonRequest([]))).envelope.content).toBe("still here");
  });
});

describe("the _stream twin", () => {
  it("streams frames as progress notifications, in order, before the result, after a stateless initialize", async () => {
    const init = await rpc(provider.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "mcp", version: "1" } },
    });
    expect(init.text).toContain("serverInfo");
    await rpc(provider.url, { jsonrpc: "2.0", method: "notifications/initialized" });
    for (const token of [0, "tok-a"]) {
      llm.push(
        { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }], text: "Adding. " },
        { text: "The sum is 5", chunks: ["The ", "sum ", "is ", "5"] },
      );
      const req = pythonRequest([meshTool("add")]);
      req.params.name = "claude_provider_stream";
      (req.params as Record<string, unknown>)._meta = { progressToken: token };
      const r = await rpc(provider.url, req);
      expect(r.type).toContain("text/event-stream");
      const events = sse(r.text);
      const progress = events.filter((e) => e.method === "notifications/progress");
      expect(progress.every((e) => e.params.progressToken === token)).toBe(true);
      expect(progress.map((e) => e.params.progress)).toEqual(progress.map((_e, i) => i));
      const frames = progress.map((e) => JSON.parse(e.params.message));
      expect(frames).toEqual([
        { _mesh_frame: "chunk", content: "Adding. " },
        { _mesh_frame: "chunk", content: "The " },
        { _mesh_frame: "chunk", content: "sum " },
        { _mesh_frame: "chunk", content: "is " },
        { _mesh_frame: "chunk", content: "5" },
        { _mesh_frame: "end" },
      ]);
      // The result comes last and is the concatenated frames.
      const last = events.at(-1);
      expect(last.id).toBe(1);
      expect(last.result.content[0].text).toBe(progress.map((e) => e.params.message).join(""));
    }
  });

  it("ends with a stop_reason frame when the loop is exhausted", async () => {
    llm.push({ toolCalls: [{ name: "add", arguments: { a: 1, b: 1 } }] });
    const req = pythonRequest([meshTool("add")], { max_iterations: 1 });
    req.params.name = "claude_provider_stream";
    (req.params as Record<string, unknown>)._meta = { progressToken: 5 };
    const frames = sse((await rpc(provider.url, req)).text)
      .filter((e) => e.method === "notifications/progress")
      .map((e) => JSON.parse(e.params.message));
    expect(frames.at(-1)).toEqual({ _mesh_frame: "end", stop_reason: "max_iterations" });
  });
});

describe("registration", () => {
  it("the registry resolves both tools by tags, with vendor and stream_type in kwargs", async () => {
    const consumer = (tags: string[]) => ({
      agent_id: `llm-consumer-${tags.length}`,
      name: "llm-consumer",
      agent_type: "mcp_agent",
      runtime: "python",
      version: "1.0.0",
      http_host: "127.0.0.1",
      http_port: 1,
      namespace: "default",
      tools: [
        {
          function_name: "ask",
          capability: "ask",
          version: "1.0.0",
          inputSchema: { type: "object" },
          llm_provider: { capability: "llm", tags },
        },
      ],
    });
    const resolve = async (tags: string[]) =>
      waitFor(
        async () => {
          const res = await fetch(`${registry.url}/heartbeat`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(consumer(tags)),
          });
          const body = (await res.json()) as { llm_providers?: Record<string, any> };
          return body.llm_providers?.ask;
        },
        15_000,
        "the provider to resolve",
      );
    const buffered = await resolve(["scripted", "-ai.mcpmesh.stream"]);
    expect(buffered).toMatchObject({ name: "claude_provider", vendor: "openai-compatible", endpoint: provider.url });
    const streaming = await resolve(["scripted", "ai.mcpmesh.stream"]);
    expect(streaming).toMatchObject({
      name: "claude_provider_stream",
      kwargs: { vendor: "openai-compatible", stream_type: "text" },
    });
  });
});

function sse(text: string): any[] {
  return text
    .split("\n\n")
    .map((e) =>
      e
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trim())
        .join(""),
    )
    .filter(Boolean)
    .map((d) => JSON.parse(d));
}
