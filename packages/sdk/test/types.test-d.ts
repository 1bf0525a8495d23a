// Type tests: handler argument types follow from the declaration. Vitest's typecheck mode
// (root vitest.config.ts) runs tsc over packages/sdk/test/tsconfig.json and reports each of these
// as a test; nothing here runs at runtime.
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type McpMeshTool, mesh } from "../src/index.js";

describe("types of what a handler receives", () => {
  it("types dependencies by name: required → McpMeshTool, otherwise McpMeshTool | null", () => {
    const agent = mesh.agent({ name: "typed", autoRun: false });
    agent.tool({
      name: "t",
      input: { who: z.string(), n: z.number().optional(), d: z.string().default("x") },
      dependencies: {
        plain: "date_service",
        optional: { capability: "a", tags: ["+fast", "-beta", ["x", "y"]] },
        needed: { capability: "b", required: true, timeout: 500 },
      },
      handler(args, deps) {
        expectTypeOf(args.who).toEqualTypeOf<string>();
        expectTypeOf(args.d).toEqualTypeOf<string>();
        expectTypeOf(args.n).toEqualTypeOf<number | undefined>();
        expectTypeOf(deps.plain).toEqualTypeOf<McpMeshTool | null>();
        expectTypeOf(deps.optional).toEqualTypeOf<McpMeshTool | null>();
        expectTypeOf(deps.needed).toEqualTypeOf<McpMeshTool>();
        // @ts-expect-error not declared
        void deps.other;
        return "ok";
      },
    });
  });

  it("types input from a z.object and output from a schema", () => {
    const agent = mesh.agent({ name: "typed2", autoRun: false });
    agent.tool({
      name: "t2",
      input: z.object({ a: z.number() }),
      output: z.object({ sum: z.number() }),
      handler: ({ a }, deps) => {
        expectTypeOf(a).toEqualTypeOf<number>();
        expectTypeOf(deps).toEqualTypeOf<Record<never, never>>();
        return { sum: a + 1 };
      },
    });
    agent.tool({
      name: "t3",
      output: z.object({ sum: z.number() }),
      // @ts-expect-error output must match the schema
      handler: () => ({ sum: "no" }),
    });
  });
});
