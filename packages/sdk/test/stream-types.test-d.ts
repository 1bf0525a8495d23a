// Type tests of streaming: `stream: true` makes the handler's return an async iterable of
// strings, and `dep.stream()` is an async iterable of strings (nothing here runs at runtime).
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { mesh } from "../src/index.js";

describe("types of streaming tools", () => {
  it("stream: true types the handler's return as AsyncIterable<string>, with typed args and deps", () => {
    const agent = mesh.agent({ name: "typed-stream", autoRun: false });
    agent.tool({
      name: "s",
      stream: true,
      input: { q: z.string() },
      dependencies: { words: "words" },
      async *handler({ q }, { words }) {
        expectTypeOf(q).toEqualTypeOf<string>();
        if (!words) return;
        const it = words.stream({ q }, { timeout: 1000, signal: AbortSignal.timeout(10) });
        expectTypeOf(it).toEqualTypeOf<AsyncIterable<string>>();
        for await (const chunk of it) {
          expectTypeOf(chunk).toEqualTypeOf<string>();
          yield chunk;
        }
        yield* words.streamTool("other", {});
      },
    });
    // @ts-expect-error a streaming tool yields strings
    agent.tool({
      name: "not_strings",
      stream: true,
      async *handler() {
        yield 1;
      },
    });
    // @ts-expect-error a streaming tool's result is text: no output schema
    agent.tool({ name: "with_output", stream: true, output: z.string(), async *handler() {} });
  });
});
