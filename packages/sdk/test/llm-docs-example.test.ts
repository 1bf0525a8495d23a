// The quick example of docs/llm.md, verbatim (between the markers), so the guide stays true:
// a provider, a tool agent and an LLM consumer in one test mesh, on the scripted model.
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { z } from "zod";
import { createTestMesh, startScriptedLlm, waitForLlm } from "../src/testing/index.js";

it("docs/llm.md shows the quick example exactly as it runs here", () => {
  const self = readFileSync(new URL(import.meta.url), "utf8");
  const start = self.indexOf("  // --- docs/llm.md quick example\n");
  const code = self.slice(self.indexOf("\n", start) + 1, self.indexOf("  // --- end\n", start)).replace(/^ {2}/gm, "");
  expect(code.length).toBeGreaterThan(500);
  expect(readFileSync(new URL("../../../docs/llm.md", import.meta.url), "utf8")).toContain(code);
});

it("the docs/llm.md quick example runs", async () => {
  // --- docs/llm.md quick example
  const model = await startScriptedLlm({
    script: [
      { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] },
      { json: { answer: 5, explanation: "add(2, 3) = 5" } },
    ],
  });
  const m = await createTestMesh();

  const math = m.agent({ name: "math" });
  math.tool({
    name: "add",
    tags: ["math"],
    description: "Add two numbers",
    input: { a: z.number(), b: z.number() },
    handler: ({ a, b }) => a + b,
  });

  const llm = m.agent({ name: "llm-provider" });
  llm.llmProvider({ model: "openai-compatible/scripted-model", baseURL: model.url, tags: ["claude"] });

  const calculator = m.agent({ name: "calculator" });
  calculator.tool({
    name: "calculate",
    input: { question: z.string() },
    output: z.object({ answer: z.number(), explanation: z.string() }),
    llm: {
      provider: { capability: "llm", tags: ["+claude"] },
      filter: [{ tags: ["math"] }],
      systemPrompt: "You are a calculator. The user asks: {{ question }}",
      contextParam: "question",
    },
    async handler({ question }, { llm }) {
      if (!llm) throw new Error("no LLM provider yet");
      return llm(question);
    },
  });

  await m.start();
  await waitForLlm(calculator, "calculate", (w) => w.providers.length > 0 && w.tools.includes("add"));
  const result = await m.call(calculator, "calculate", { question: "What is 2 + 3?" });
  console.log(result); // { answer: 5, explanation: 'add(2, 3) = 5' }
  console.log(model.requests[1]?.messages.at(-1)); // { role: 'tool', content: '5', ... }: what the model saw
  await m.close();
  await model.close();
  // --- end
  expect(result).toEqual({ answer: 5, explanation: "add(2, 3) = 5" });
  expect(model.requests[1]?.messages.at(-1)).toMatchObject({ role: "tool", content: "5" });
  expect(String(model.requests[0]?.messages[0]?.content)).toContain("The user asks: What is 2 + 3?");
});
