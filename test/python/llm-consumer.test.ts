// Our TypeScript LLM consumer uses the reference Python @mesh.llm_provider (mcp-mesh 3.7.1),
// whose OpenAI vendor is pointed at the scripted model (base_url): the Python provider runs the
// tool loop against our TS tool agent, our consumer validates the structured answer, and
// streams the provider's `_stream` twin. Under CI=true a missing venv is a failure, not a skip.
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../../packages/sdk/src/agent.js";
import type { LlmMeta } from "../../packages/sdk/src/index.js";
import {
  createTestMesh,
  type ScriptedLlm,
  startScriptedLlm,
  type TestMesh,
  waitForLlm,
} from "../../packages/sdk/src/testing/index.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const Answer = z.object({ answer: z.number(), explanation: z.string() });

describeWithPrerequisites("a TS LLM consumer and a Python LLM provider", missingPython(), () => {
  let m: TestMesh;
  let model: ScriptedLlm;
  let py: PythonAgent;
  let consumer: MeshAgent;
  const added: { a: number; b: number }[] = [];
  let meta: LlmMeta | undefined;

  beforeAll(async () => {
    m = await createTestMesh();
    model = await startScriptedLlm();
    const math = m.agent({ name: "ts-math" });
    math.tool({
      name: "add",
      capability: "adder",
      description: "Add two numbers",
      input: { a: z.number(), b: z.number() },
      handler: ({ a, b }) => {
        added.push({ a, b });
        return { sum: a + b };
      },
    });
    consumer = m.agent({ name: "ts-llm-consumer" });
    consumer.tool({
      name: "calculate",
      input: { question: z.string() },
      output: Answer,
      llm: {
        provider: { capability: "llm", tags: ["python"] },
        filter: ["adder"],
        maxIterations: 4,
        systemPrompt: "You are a calculator. Question: {{ question }}",
        contextParam: "question",
      },
      async handler({ question }, { llm }) {
        if (!llm) throw new Error("no llm provider resolved");
        const out = await llm(question);
        meta = llm.meta;
        return out;
      },
    });
    consumer.tool({
      name: "tell",
      llm: { provider: { capability: "llm", tags: ["python"] } },
      async handler(_a, { llm }) {
        if (!llm) return "no llm";
        const chunks: string[] = [];
        for await (const c of llm.stream("Say hello")) chunks.push(c);
        return chunks.join("|");
      },
    });
    await m.start();
    py = await startPythonAgent("py_llm_provider.py", {
      registryUrl: m.registry?.url as string,
      name: "py-llm-provider",
      env: { SCRIPTED_LLM_URL: model.url },
    });
    await waitForLlm(consumer, "calculate", (w) => w.providers.length > 0 && w.tools.includes("add"), 30_000);
  }, 150_000);
  afterAll(async () => {
    await py?.stop();
    await m?.close();
    await model?.close();
  });

  it("the Python provider runs our tool for the model, our consumer validates the answer", async () => {
    model.push(
      { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }], usage: { prompt_tokens: 50, completion_tokens: 7 } },
      (req) => {
        const tool = req.messages.find((msg) => msg.role === "tool");
        return { json: { answer: 5, explanation: `the tool said ${String(tool?.content)}` } };
      },
    );
    const out = (await m.call(consumer, "calculate", { question: "What is 2 + 3?" })) as z.infer<typeof Answer>;
    expect(added).toEqual([{ a: 2, b: 3 }]);
    expect(out.answer).toBe(5);
    expect(out.explanation).toMatch(/sum.*5/);
    // What the model saw: our rendered system prompt and the tool's schema (endpoint stripped).
    const first = model.requests[0];
    expect(JSON.stringify(first?.messages[0])).toContain("You are a calculator. Question: What is 2 + 3?");
    expect(JSON.stringify(first?.tools)).toContain('"add"');
    expect(JSON.stringify(first?.tools)).not.toContain("_mesh_endpoint");
    expect(meta).toMatchObject({ iterations: 1, model: expect.stringContaining("scripted-model") });
    expect(meta?.inputTokens).toBeGreaterThan(0);
  }, 60_000);

  it("streams the Python provider's _stream twin: chunks in order", async () => {
    model.push({ text: "Hello from the scripted model", chunks: ["Hello ", "from the ", "scripted model"] });
    expect(await m.call(consumer, "tell")).toBe("Hello |from the |scripted model");
  }, 60_000);
});
