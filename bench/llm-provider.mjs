#!/usr/bin/env node
// The LLM provider's cost per agentic iteration, with a zero-latency scripted model (the
// OpenAI-compatible scripted server of @mcp-mesh/sdk/testing, over loopback HTTP), against the
// same AI SDK doing the same loop with the tool as a local function:
//
//   mesh    a caller → provider agent (MeshLlmRequest, tool with _mesh_endpoint) → scripted model,
//           tool calls to a tool agent over MCP, back to the model, ... → envelope
//   direct  generateText in this process, the same scripted model through @ai-sdk/openai-compatible,
//           the tool's `execute` a local function, stopWhen: stepCountIs(iterations)
//
// Per call: `--tools` tool-calling iterations then one answer, so iterations = tools + 1. Also
// time to the first streamed chunk through the provider's _stream twin vs streamText directly.
// Every agent lives in this process (2 cores shared with the caller). Run after `npm run build`:
//
//   node bench/llm-provider.mjs [--calls 200] [--tools 2]
import { parseArgs } from "node:util";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createTestMesh, startScriptedLlm } from "@mcp-mesh/sdk/testing";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";

const { values: opts } = parseArgs({
  options: { calls: { type: "string", default: "200" }, tools: { type: "string", default: "2" } },
});
const calls = Number(opts.calls);
const toolTurns = Number(opts.tools);
const iterations = toolTurns + 1;

const llm = await startScriptedLlm({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
const mesh = await createTestMesh({ registry: false });
const tools = mesh.agent({ name: "bench-tools" });
tools.tool({ name: "add", input: { a: z.number(), b: z.number() }, handler: ({ a, b }) => a + b });
const provider = mesh.agent({ name: "bench-provider" });
provider.llmProvider({ model: "openai-compatible/scripted-model", baseURL: llm.url, maxRetries: 0 });
await mesh.start();

const params = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] };
const script = (stream) => {
  for (let i = 0; i < toolTurns; i++) llm.push({ toolCalls: [{ name: "add", arguments: { a: i, b: 1 } }] });
  llm.push(stream ? { text: "the answer is 42", chunks: ["the ", "answer ", "is ", "42"] } : { text: "done" });
};
const request = {
  request: {
    messages: [{ role: "user", content: "add things" }],
    tools: [{ type: "function", function: { name: "add", parameters: params, _mesh_endpoint: tools.url } }],
    model_params: { max_iterations: iterations + 1 },
  },
};
const model = createOpenAICompatible({ name: "scripted", baseURL: llm.url, includeUsage: true }).chatModel(
  "scripted-model",
);
const localTools = { add: tool({ inputSchema: jsonSchema(params), execute: async ({ a, b }) => a + b }) };

async function viaMesh() {
  script(false);
  const env = await mesh.call(provider, "process_chat", request);
  if (env.content !== "done") throw new Error(`unexpected answer ${JSON.stringify(env)}`);
}
async function direct() {
  script(false);
  const r = await generateText({
    model,
    prompt: "add things",
    tools: localTools,
    stopWhen: stepCountIs(iterations),
    maxRetries: 0,
  });
  if (r.text !== "done") throw new Error(`unexpected answer ${r.text}`);
}

// Time to first chunk: the caller sends a progress token and reads the SSE answer as it comes.
async function firstChunkMesh() {
  script(true);
  const started = performance.now();
  const res = await fetch(`${provider.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "process_chat_stream", arguments: request, _meta: { progressToken: 1 } },
    }),
  });
  let first;
  const decoder = new TextDecoder();
  for await (const bytes of res.body) {
    if (first === undefined && decoder.decode(bytes).includes("notifications/progress"))
      first = performance.now() - started;
  }
  return first;
}
async function firstChunkDirect() {
  script(true);
  const started = performance.now();
  const r = streamText({
    model,
    prompt: "add things",
    tools: localTools,
    stopWhen: stepCountIs(iterations),
    maxRetries: 0,
  });
  let first;
  for await (const _ of r.textStream) first ??= performance.now() - started;
  return first;
}

async function measure(fn) {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const times = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const v = await fn();
    times.push(typeof v === "number" ? v : performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: q(0.5), p99: q(0.99) };
}

const mesh1 = await measure(viaMesh);
const direct1 = await measure(direct);
const ttfcMesh = await measure(firstChunkMesh);
const ttfcDirect = await measure(firstChunkDirect);
const per = (r) => `${(r.p50 / iterations).toFixed(2)} / ${(r.p99 / iterations).toFixed(2)}`;
console.log(`calls=${calls}, iterations per call=${iterations} (${toolTurns} tool turns + answer)`);
console.log("                       per call p50 / p99 ms   per iteration p50 / p99 ms");
console.log(`mesh provider loop     ${mesh1.p50.toFixed(2)} / ${mesh1.p99.toFixed(2)}          ${per(mesh1)}`);
console.log(`direct AI SDK loop     ${direct1.p50.toFixed(2)} / ${direct1.p99.toFixed(2)}          ${per(direct1)}`);
console.log(`overhead per iteration p50 ${((mesh1.p50 - direct1.p50) / iterations).toFixed(2)} ms`);
console.log(
  `first chunk  mesh p50 ${ttfcMesh.p50.toFixed(2)} ms p99 ${ttfcMesh.p99.toFixed(2)} ms; direct p50 ${ttfcDirect.p50.toFixed(2)} ms p99 ${ttfcDirect.p99.toFixed(2)} ms; added p50 ${(ttfcMesh.p50 - ttfcDirect.p50).toFixed(2)} ms`,
);
await mesh.close();
await llm.close();
