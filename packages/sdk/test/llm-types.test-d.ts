// The injected LLM is typed from the tool's declaration (Vitest typecheck).
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type LlmMeta, type MeshLlm, mesh } from "../src/index.js";

const Answer = z.object({ answer: z.number(), explanation: z.string() });

describe("typed injected LLMs", () => {
  it("llm answers the output schema's type, else a string; it is nullable; no llm option, no key", () => {
    const agent = mesh.agent({ name: "typed-llm", autoRun: false });
    agent.tool({
      name: "calculate",
      input: { question: z.string() },
      output: Answer,
      llm: { provider: { capability: "llm", tags: ["+claude"] }, filter: [{ tags: ["math"] }], filterMode: "all" },
      async handler({ question }, { llm }) {
        expectTypeOf(llm).toEqualTypeOf<MeshLlm<{ answer: number; explanation: string }> | null>();
        if (!llm) return { answer: 0, explanation: "no llm" };
        const out = await llm(question, { context: { x: 1 }, maxIterations: 3 });
        expectTypeOf(out).toEqualTypeOf<{ answer: number; explanation: string }>();
        expectTypeOf(llm.meta).toEqualTypeOf<LlmMeta | undefined>();
        expectTypeOf(llm.stream(question)).toEqualTypeOf<AsyncIterable<string>>();
        return out;
      },
    });
    agent.tool({
      name: "chat",
      dependencies: { date: "date_service" },
      llm: { provider: "llm", filter: "*" },
      async handler(_args, { llm, date }) {
        expectTypeOf(llm).toEqualTypeOf<MeshLlm<string> | null>();
        expectTypeOf(date).not.toBeNever();
        if (!llm) return "none";
        // @ts-expect-error a string answer is not a number
        const n: number = await llm("hi");
        return String(n);
      },
    });
    agent.tool({
      name: "plain",
      handler(_args, deps) {
        // @ts-expect-error no llm option, no llm key
        return String(deps.llm);
      },
    });
    agent.tool({
      name: "bad",
      // @ts-expect-error filterMode is one of three
      llm: { provider: "llm", filterMode: "some" },
      handler: () => "x",
    });
  });
});
