#!/usr/bin/env node
// The consumer side of the LLM layer: what one llm() request costs beyond a plain mesh call,
// with a zero-latency stand-in provider (an agent tool answering the wire envelope at once) in
// one process over loopback HTTP (createTestMesh):
//
//   dep      a plain dependency call to the provider tool (the floor: one mesh hop)
//   llm      llm(question): request building, one provider call, envelope parse, zod validation
//   legacy   llm() where the provider answers tool_calls first: the consumer runs the tool on a
//            tool agent and asks again (2 provider calls + 1 tool call), reported per iteration
//
// Run after `npm run build`:  node bench/llm-consumer.mjs [--calls 2000]
import { parseArgs } from "node:util";
import { createTestMesh, waitForDependency, waitForLlm } from "@mcp-mesh/sdk/testing";
import { z } from "zod";

const { values } = parseArgs({ options: { calls: { type: "string", default: "2000" } } });
const calls = Number(values.calls);
const m = await createTestMesh();
const tools = m.agent({ name: "bench-tools" });
tools.tool({ name: "add", capability: "adder", input: { a: z.number(), b: z.number() }, handler: ({ a, b }) => a + b });
const provider = m.agent({ name: "bench-provider" });
let legacy = false;
provider.tool({
  name: "chat",
  capability: "llm",
  tags: ["bench"],
  input: { request: z.record(z.string(), z.unknown()) },
  handler: ({ request }) => {
    const last = request.messages.at(-1);
    if (legacy && last.role !== "tool")
      return JSON.stringify({
        role: "assistant",
        content: "",
        tool_calls: [{ id: "t1", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } }],
      });
    return JSON.stringify({
      role: "assistant",
      content: '{"answer": 5}',
      _mesh_usage: { prompt_tokens: 10, completion_tokens: 2, model: "bench/zero" },
    });
  },
});
const consumer = m.agent({ name: "bench-consumer" });
const timings = { dep: [], llm: [], legacy: [] };
consumer.tool({
  name: "run",
  input: { kind: z.string(), n: z.number() },
  output: z.object({ answer: z.number() }),
  dependencies: { chat: { capability: "llm", tags: ["bench"] } },
  llm: { provider: { capability: "llm", tags: ["bench"] }, filter: ["adder"] },
  async handler({ kind, n }, { llm, chat }) {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      if (kind === "dep") await chat({ request: { messages: [{ role: "user", content: "q" }] } });
      else await llm("q");
      timings[kind]?.push(performance.now() - t);
    }
    return { answer: 5 };
  },
});
await m.start();
await waitForDependency(consumer, "llm");
await waitForLlm(consumer, "run", (w) => w.providers.length > 0 && w.tools.length > 0);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const rows = [];
for (const kind of ["dep", "llm", "legacy"]) {
  legacy = kind === "legacy";
  await m.call(consumer, "run", { kind, n: Math.min(200, calls) }); // warm-up
  timings[kind] = [];
  await m.call(consumer, "run", { kind, n: calls });
  const per = kind === "legacy" ? 3 : 1; // legacy: 2 provider calls + 1 tool call per request
  rows.push({
    kind,
    p50_ms: pct(timings[kind], 50).toFixed(3),
    p99_ms: pct(timings[kind], 99).toFixed(3),
    hops: per,
    p50_per_hop_ms: (pct(timings[kind], 50) / per).toFixed(3),
  });
}
console.table(rows);
await m.close();
