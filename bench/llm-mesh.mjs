#!/usr/bin/env node
// The whole LLM chain of issue 9 with a zero-latency scripted model (the OpenAI-compatible
// scripted server of @mcp-mesh/sdk/testing, over loopback HTTP):
//
//   mesh    a consumer's llm() → provider agent (through the registry's llm_providers wiring)
//           → scripted model → tool calls to a tool agent over MCP (llm_tools wiring) → model
//           → ... → envelope → parsed, validated answer back in the consumer
//   direct  generateText in one process: the same scripted model through the same
//           @ai-sdk/openai-compatible, the same tool as a local function
//
// Timed inside the consumer's handler, around llm() (the caller → consumer hop is not part of
// the chain). Per call: `--tools` tool-calling iterations then one answer, so iterations =
// tools + 1; reported per call and per iteration. Then time to the first streamed chunk of
// llm.stream() (consumer → provider's _stream twin → model) against streamText directly.
// Every agent lives in this process (2 cores shared with the model server). After `npm run build`:
//
//   node bench/llm-mesh.mjs [--calls 200] [--tools 2]
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { createTestMesh, startScriptedLlm, waitForLlm } from "@mcp-mesh/sdk/testing";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { z } from "zod";

const { values: opts } = parseArgs({
  options: { calls: { type: "string", default: "200" }, tools: { type: "string", default: "2" } },
});
const calls = Number(opts.calls);
const toolTurns = Number(opts.tools);
const iterations = toolTurns + 1;
const load = [loadavg()[0]];

const llm = await startScriptedLlm({ usage: { prompt_tokens: 1, completion_tokens: 1 } });
const m = await createTestMesh();
const tools = m.agent({ name: "bench-tools" });
tools.tool({
  name: "add",
  capability: "adder",
  tags: ["bench"],
  input: { a: z.number(), b: z.number() },
  handler: ({ a, b }) => a + b,
});
const provider = m.agent({ name: "bench-provider" });
provider.llmProvider({ model: "openai-compatible/scripted-model", baseURL: llm.url, maxRetries: 0, tags: ["bench"] });
const consumer = m.agent({ name: "bench-consumer" });
consumer.tool({
  name: "run",
  input: { stream: z.boolean() },
  llm: {
    provider: { capability: "llm", tags: ["bench"] },
    filter: [{ tags: ["bench"] }],
    maxIterations: iterations + 1,
  },
  // Answers the elapsed ms: of the whole llm() call, or to the first streamed chunk.
  async handler({ stream }, { llm: ask }) {
    const started = performance.now();
    if (!stream) {
      const answer = await ask("add things");
      if (answer !== "done") throw new Error(`unexpected answer ${answer}`);
      return performance.now() - started;
    }
    let first;
    for await (const _ of ask.stream("add things")) first ??= performance.now() - started;
    return first;
  },
});
await m.start();
await waitForLlm(consumer, "run", (w) => w.providers.length > 0 && w.tools.includes("add"));

const script = (stream) => {
  for (let i = 0; i < toolTurns; i++) llm.push({ toolCalls: [{ name: "add", arguments: { a: i, b: 1 } }] });
  llm.push(stream ? { text: "the answer is 42", chunks: ["the ", "answer ", "is ", "42"] } : { text: "done" });
};
const params = { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] };
const model = createOpenAICompatible({ name: "scripted", baseURL: llm.url, includeUsage: true }).chatModel(
  "scripted-model",
);
const localTools = { add: tool({ inputSchema: jsonSchema(params), execute: async ({ a, b }) => a + b }) };
const loop = { model, prompt: "add things", tools: localTools, stopWhen: stepCountIs(iterations), maxRetries: 0 };

async function viaMesh(stream) {
  script(stream);
  return Number(await m.call(consumer, "run", { stream }));
}
async function direct() {
  script(false);
  const started = performance.now();
  const r = await generateText(loop);
  if (r.text !== "done") throw new Error(`unexpected answer ${r.text}`);
  return performance.now() - started;
}
async function firstChunkDirect() {
  script(true);
  const started = performance.now();
  let first;
  for await (const _ of streamText(loop).textStream) first ??= performance.now() - started;
  return first;
}

async function measure(fn) {
  for (let i = 0; i < 20; i++) await fn(); // warm-up
  const times = [];
  for (let i = 0; i < calls; i++) times.push(await fn());
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  return { p50: q(0.5), p99: q(0.99) };
}

const meshLoop = await measure(() => viaMesh(false));
const directLoop = await measure(direct);
const ttfcMesh = await measure(() => viaMesh(true));
const ttfcDirect = await measure(firstChunkDirect);
load.push(loadavg()[0]);
const f = (x) => x.toFixed(2);
const per = (r) => `${f(r.p50 / iterations)} / ${f(r.p99 / iterations)}`;
console.log(
  `calls=${calls}, iterations per call=${iterations} (${toolTurns} tool turns + answer), Node ${process.version}`,
);
console.log(`load average (1 min) ${f(load[0])} at start, ${f(load[1])} at end`);
console.log("                          per call p50 / p99 ms   per iteration p50 / p99 ms");
console.log(`consumer→provider→tools   ${f(meshLoop.p50)} / ${f(meshLoop.p99)}          ${per(meshLoop)}`);
console.log(`direct AI SDK loop        ${f(directLoop.p50)} / ${f(directLoop.p99)}          ${per(directLoop)}`);
const added = (meshLoop.p50 - directLoop.p50) / iterations;
console.log(`overhead per iteration p50 ${f(added)} ms (target < 3 ms: ${added < 3 ? "met" : "NOT met"})`);
const ttfcAdded = ttfcMesh.p50 - ttfcDirect.p50;
console.log(
  `first chunk: llm.stream p50 ${f(ttfcMesh.p50)} / p99 ${f(ttfcMesh.p99)} ms; streamText p50 ${f(ttfcDirect.p50)} / p99 ${f(ttfcDirect.p99)} ms; added p50 ${f(ttfcAdded)} ms (target < 5 ms: ${ttfcAdded < 5 ? "met" : "NOT met"})`,
);
await m.close();
await llm.close();
