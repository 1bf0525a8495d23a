// A tool's injected LLM across a mesh in one process (our registry, real HTTP on loopback): a
// consumer agent, provider agents that answer the exact wire envelopes of LLM-WIRE.md §1.3
// (golden, scripted per test), and a tool agent the model's tools live on.
import { fileURLToPath } from "node:url";
import { ErrorCodes, isMeshError } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { callToolHttp, createDispatcher } from "../src/client/index.js";
import type { LlmMeta } from "../src/index.js";
import { createTestMesh, llmWiring, type TestMesh, waitForLlm } from "../src/testing/index.js";

type Json = Record<string, any>;
type Script = (request: Json, ctx: { progress: (p: number, t?: number, m?: string) => Promise<void> }) => unknown;

const dispatcher = createDispatcher();
const requests: Json[] = [];
const script: Script[] = [];
const streamScript: Script[] = [];
const added: Json[] = [];
let lastMeta: LlmMeta | undefined;

/** A provider tool that answers what the test scripted, and records each request. */
function providerAgent(m: TestMesh, name: string, capability: string, tags: string[], withStream: boolean): MeshAgent {
  const agent = m.agent({ name });
  const input = { request: z.record(z.string(), z.unknown()) };
  agent.tool({
    name: "chat",
    capability,
    tags,
    input,
    handler: async ({ request }, _deps, ctx) => {
      requests.push(request);
      const step = script.shift();
      if (!step) throw new Error("unscripted provider call");
      const out = await step(request, ctx);
      return typeof out === "string" ? out : JSON.stringify(out);
    },
  });
  if (withStream)
    agent.tool({
      name: "chat_stream",
      capability,
      tags: [...tags, "ai.mcpmesh.stream"],
      input,
      handler: async ({ request }, _deps, ctx) => {
        requests.push(request);
        const step = streamScript.shift();
        if (!step) throw new Error("unscripted stream call");
        return String(await step(request, ctx));
      },
    });
  return agent;
}

const Answer = z.object({ answer: z.number(), explanation: z.string() });

describe("an LLM tool and its provider", () => {
  let m: TestMesh;
  let math: MeshAgent;
  let consumer: MeshAgent;

  beforeAll(async () => {
    m = await createTestMesh();
    math = m.agent({ name: "math" });
    math.tool({
      name: "add",
      capability: "adder",
      tags: ["math"],
      description: "Add two numbers",
      input: { a: z.number(), b: z.number() },
      handler: ({ a, b }) => {
        added.push({ a, b });
        return a + b;
      },
    });
    math.tool({
      name: "divide",
      capability: "divider",
      tags: ["math"],
      input: { a: z.number(), b: z.number() },
      handler: ({ a, b }) => {
        if (b === 0) throw new Error("division by zero");
        return a / b;
      },
    });
    providerAgent(m, "claude-provider", "llm", ["claude"], true);
    providerAgent(m, "plain-provider", "plain-llm", [], false);
    consumer = m.agent({ name: "calc" });
    consumer.tool({
      name: "calculate",
      capability: "calculator",
      input: { question: z.string(), style: z.string().optional() },
      output: Answer,
      llm: {
        provider: { capability: "llm", tags: ["+claude"] },
        filter: [{ tags: ["math"] }],
        maxIterations: 5,
        systemPrompt: `file://${fileURLToPath(new URL("./fixtures/prompts/calculator.njk", import.meta.url))}`,
        contextParam: "question",
        modelParams: { temperature: 0.2 },
      },
      async handler({ question, style }, { llm }) {
        if (!llm) throw new Error("no llm");
        const out = await llm(question, { context: style ? { style } : undefined });
        lastMeta = llm.meta;
        return out;
      },
    });
    consumer.tool({
      name: "ask",
      input: { prompt: z.string(), stream: z.boolean().default(false), cancelAfterMs: z.number().optional() },
      llm: { provider: "plain-llm", filter: "adder", systemPrompt: "Be brief." },
      async handler({ prompt, stream, cancelAfterMs }, { llm }) {
        if (!llm) return "no llm";
        try {
          const signal = cancelAfterMs ? AbortSignal.timeout(cancelAfterMs) : undefined;
          if (!stream) return await llm(prompt, { signal });
          const chunks: string[] = [];
          for await (const c of llm.stream(prompt)) chunks.push(c);
          return chunks.join("|");
        } catch (err) {
          return isMeshError(err) ? `ERR ${err.code}: ${err.message}` : `THROWN ${String(err)}`;
        }
      },
    });
    consumer.tool({
      name: "story",
      llm: { provider: { capability: "llm", tags: ["claude"] } },
      async handler(_args, { llm }) {
        if (!llm) return "no llm";
        const chunks: string[] = [];
        try {
          for await (const c of llm.stream("Tell a story")) chunks.push(c);
        } catch (err) {
          chunks.push(isMeshError(err) ? `ERR ${err.code}` : String(err));
        }
        return chunks.join("|");
      },
    });
    consumer.tool({
      name: "orphan",
      llm: { provider: "no-such-llm" },
      handler: (_a, { llm }) => (llm === null ? "llm is null" : "llm is wired"),
    });
    await m.start();
    await waitForLlm(consumer, "calculate", (w) => w.providers.length > 0 && w.tools.length === 2);
    await waitForLlm(consumer, "ask", (w) => w.providers.length > 0 && w.tools.length === 1);
    await waitForLlm(consumer, "story");
  });
  afterAll(async () => {
    await m.close();
    await dispatcher.close();
  });

  it("registers llm_provider (buffered: without the stream twin) and llm_filter as objects", async () => {
    const res = await fetch(`${m.registry?.url}/agents`);
    const agents = ((await res.json()) as Json).agents as Json[];
    const caps = agents.find((a) => a.name === "calc")?.capabilities as Json[];
    const byName = Object.fromEntries(caps.map((c) => [c.function_name, c]));
    expect(byName.calculate.llm_provider).toMatchObject({ capability: "llm", tags: ["+claude", "-ai.mcpmesh.stream"] });
    expect(byName.calculate.llm_filter).toEqual({ filter: [{ tags: ["math"] }], filter_mode: "all" });
    expect(byName.ask.llm_filter).toEqual({ filter: [{ capability: "adder" }], filter_mode: "all" });
    expect(byName.orphan.llm_filter).toBeUndefined();
    expect(llmWiring(consumer, "calculate").tools.sort()).toEqual(["add", "divide"]);
  });

  it("sends the MeshLlmRequest; the provider runs the tools at their _mesh_endpoint; the answer is validated", async () => {
    requests.length = 0;
    added.length = 0;
    script.push(async (request) => {
      // What a provider-managed loop does: call the mesh tool at the endpoint it was given.
      const add = request.tools.find((t: Json) => t.function.name === "add").function;
      const r = await callToolHttp(dispatcher, {
        url: `${add._mesh_endpoint}/mcp`,
        tool: "add",
        args: { a: 2, b: 3 },
        timeoutMs: 5000,
      });
      const sum = r.result?.content?.[0]?.text;
      return {
        role: "assistant",
        content: JSON.stringify({ answer: Number(sum), explanation: `2 + 3 = ${sum}` }),
        _mesh_usage: { prompt_tokens: 812, completion_tokens: 14, model: "anthropic/claude-sonnet-4-5" },
      };
    });
    const out = await m.call(consumer, "calculate", { question: "What is 2 + 3?", style: "briefly" });
    expect(out).toEqual({ answer: 5, explanation: "2 + 3 = 5" });
    expect(added).toEqual([{ a: 2, b: 3 }]);
    const req = requests[0] as Json;
    expect(req.messages).toEqual([
      {
        role: "system",
        content:
          "You are a calculator assistant. The user asks: What is 2 + 3? Answer briefly.\n\nYou have access to tools. Use them when needed to gather information.",
      },
      { role: "user", content: "What is 2 + 3?" },
    ]);
    expect(req.tools.map((t: Json) => t.function.name).sort()).toEqual(["add", "divide"]);
    expect(req.tools[0].function._mesh_endpoint).toBe(math.url);
    expect(req.tools.find((t: Json) => t.function.name === "add").function).toMatchObject({
      description: "Add two numbers",
      parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    });
    expect(req.model_params).toMatchObject({ temperature: 0.2, max_iterations: 5, output_type_name: "Response" });
    expect(req.model_params.output_schema).toMatchObject({ type: "object", required: ["answer", "explanation"] });
    expect(req).toMatchObject({ context: null, request_id: null, caller_agent: null });
    expect(lastMeta).toMatchObject({
      inputTokens: 812,
      outputTokens: 14,
      totalTokens: 826,
      model: "anthropic/claude-sonnet-4-5",
      iterations: 1,
    });
  });

  it("runs tool_calls the provider hands back (legacy path), feeds the results, sums usage", async () => {
    requests.length = 0;
    added.length = 0;
    script.push(() => ({
      role: "assistant",
      content: "",
      tool_calls: [
        { id: "toolu_01A", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } },
        { id: "toolu_01B", type: "function", function: { name: "divide", arguments: '{"a":1,"b":0}' } },
      ],
      _mesh_usage: { prompt_tokens: 640, completion_tokens: 40, model: "anthropic/claude-sonnet-4-5" },
    }));
    script.push(() => ({
      role: "assistant",
      content: '```json\n{"answer": 5, "explanation": "sum"}\n```',
      _mesh_usage: { prompt_tokens: 700, completion_tokens: 10, model: "anthropic/claude-sonnet-4-5" },
    }));
    expect(await m.call(consumer, "calculate", { question: "2+3, and 1/0?" })).toEqual({
      answer: 5,
      explanation: "sum",
    });
    expect(added).toEqual([{ a: 2, b: 3 }]);
    const followUp = (requests[1] as Json).messages as Json[];
    expect(followUp.slice(2)).toEqual([
      {
        role: "assistant",
        content: "",
        tool_calls: [
          { id: "toolu_01A", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } },
          { id: "toolu_01B", type: "function", function: { name: "divide", arguments: '{"a":1,"b":0}' } },
        ],
      },
      // A TS tool's number arrives as the text "5"; non-objects go back wrapped, as Python does.
      { role: "tool", tool_call_id: "toolu_01A", content: '{"result":"5"}' },
      { role: "tool", tool_call_id: "toolu_01B", content: expect.stringMatching(/^\{"error":".*division by zero/) },
    ]);
    expect(lastMeta).toMatchObject({ inputTokens: 1340, outputTokens: 50, iterations: 2 });
  });

  it("Python providers' shapes: dict content and a bare structured map are answers", async () => {
    script.push(() => ({ role: "assistant", content: { answer: 7, explanation: "dict" } }));
    expect(await m.call(consumer, "calculate", { question: "?" })).toEqual({ answer: 7, explanation: "dict" });
    script.push(() => ({ answer: 8, explanation: "bare" }));
    expect(await m.call(consumer, "calculate", { question: "?" })).toEqual({ answer: 8, explanation: "bare" });
  });

  it("errors are MeshError codes with the provider's message", async () => {
    const ask = (prompt: string) => m.call(consumer, "ask", { prompt });
    script.push(() => ({ role: "assistant", content: "", _mesh_stop_reason: "max_iterations" }));
    expect(await ask("loop")).toMatch(/^ERR llm_max_iterations: /);
    script.push(() => {
      throw new Error("anthropic: 529 overloaded");
    });
    expect(await ask("fail")).toMatch(/^ERR llm_provider_error: .*anthropic: 529 overloaded/);
    script.push(() => "plain text answer");
    expect(await ask("hi")).toBe("plain text answer");
    // A structured tool whose answer does not match its output schema.
    script.push(() => ({ role: "assistant", content: '{"answer": "five"}' }));
    await expect(m.call(consumer, "calculate", { question: "?" })).rejects.toThrow(/does not match the output schema/);
    // The consumer's own loop has a cap too: a provider that keeps asking for tools.
    for (let i = 0; i < 5; i++)
      script.push(() => ({
        role: "assistant",
        content: "",
        tool_calls: [{ id: `t${i}`, type: "function", function: { name: "add", arguments: '{"a":1,"b":1}' } }],
      }));
    await expect(m.call(consumer, "calculate", { question: "?" })).rejects.toThrow(/limit of 5 iterations/);
    // The caller's signal: the request stops waiting for a provider that takes its time.
    script.push(async () => {
      await new Promise((r) => setTimeout(r, 3000));
      return "too late";
    });
    expect(await m.call(consumer, "ask", { prompt: "slow", cancelAfterMs: 50 })).toMatch(/^ERR cancelled: /);
    expect(script).toHaveLength(0);
  });

  it("streams frames as they arrive; an end frame with stop_reason is the max-iterations error", async () => {
    streamScript.push(async (_req, ctx) => {
      const frames = [
        { _mesh_frame: "chunk", content: "Once" },
        { _mesh_frame: "chunk", content: " upon" },
        "not a frame",
        { _mesh_frame: "chunk", content: " a time" },
        { _mesh_frame: "end" },
      ].map((f) => (typeof f === "string" ? f : JSON.stringify(f)));
      for (const [i, f] of frames.entries()) await ctx.progress(i, undefined, f);
      return frames.join("");
    });
    expect(await m.call(consumer, "story")).toBe("Once| upon|not a frame| a time");
    streamScript.push(async (_req, ctx) => {
      await ctx.progress(0, undefined, JSON.stringify({ _mesh_frame: "chunk", content: "partial" }));
      await ctx.progress(1, undefined, JSON.stringify({ _mesh_frame: "end", stop_reason: "max_iterations" }));
      return "";
    });
    expect(await m.call(consumer, "story")).toBe(`partial|ERR ${ErrorCodes.LLM_MAX_ITERATIONS}`);
  });

  it("streams from a provider without a _stream twin as one chunk of its buffered answer", async () => {
    script.push(() => ({ role: "assistant", content: "all at once" }));
    expect(await m.call(consumer, "ask", { prompt: "stream it", stream: true })).toBe("all at once");
  });

  it("re-wires the tool list when a matching tool joins or leaves (watch stream)", async () => {
    const extra = m.agent({ name: "more-math" });
    extra.tool({ name: "multiply", capability: "multiplier", tags: ["math"], handler: () => 0 });
    await m.start();
    await waitForLlm(consumer, "calculate", (w) => w.tools.includes("multiply"));
    requests.length = 0;
    script.push(() => ({ role: "assistant", content: '{"answer": 1, "explanation": "x"}' }));
    await m.call(consumer, "calculate", { question: "?" });
    expect((requests[0] as Json).tools.map((t: Json) => t.function.name).sort()).toEqual(["add", "divide", "multiply"]);
    await extra.stop();
    expect((await waitForLlm(consumer, "calculate", (w) => !w.tools.includes("multiply"))).tools.sort()).toEqual([
      "add",
      "divide",
    ]);
  });

  it("injects null while no provider resolves", async () => {
    expect(await m.call(consumer, "orphan")).toBe("llm is null");
  });
});

describe("an LLM tool re-wired by heartbeats alone (no watch stream)", () => {
  it("a provider that joins later reaches the tool through the 202 → POST path", async () => {
    const mesh2 = await createTestMesh();
    try {
      const consumer = mesh2.agent({ name: "polling", watch: false });
      consumer.tool({
        name: "ask",
        llm: { provider: "late-llm" },
        handler: async (_a, { llm }) => (llm ? await llm("hi") : "no llm"),
      });
      await mesh2.start();
      expect(await mesh2.call(consumer, "ask")).toBe("no llm");
      const late = mesh2.agent({ name: "late" });
      late.tool({
        name: "chat",
        capability: "late-llm",
        input: { request: z.record(z.string(), z.unknown()) },
        handler: () => JSON.stringify({ role: "assistant", content: "hello from the late provider" }),
      });
      await mesh2.start();
      await waitForLlm(consumer, "ask");
      expect(await mesh2.call(consumer, "ask")).toBe("hello from the late provider");
    } finally {
      await mesh2.close();
    }
  });
});
