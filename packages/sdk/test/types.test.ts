// Handler argument types follow from the declaration (checked by `tsc -p packages/sdk/test`).
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, expectTypeOf, it } from "vitest";
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

describe("the type tests above", () => {
  it("compile under tsc (so a wrong handler type fails the suite)", async () => {
    const tsc = fileURLToPath(new URL("../../../node_modules/typescript/bin/tsc", import.meta.url));
    const project = fileURLToPath(new URL("./tsconfig.json", import.meta.url));
    const out = await new Promise<string>((resolve) =>
      execFile(process.execPath, [tsc, "-p", project], (_err, stdout, stderr) => resolve(stdout + stderr)),
    );
    expect(out).toBe("");
  }, 60_000);
});
