// A dependency that declares its provider's output schema is typed by it (Vitest typecheck).
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type McpMeshTool, mesh } from "../src/index.js";

const Weather = z.object({ city: z.string(), celsius: z.number() });

describe("typed dependency outputs", () => {
  it("a call resolves to z.infer of the declared output; without one it stays unknown", () => {
    const agent = mesh.agent({ name: "typed-out", autoRun: false });
    agent.tool({
      name: "forecast",
      dependencies: {
        weather: { capability: "weather", output: Weather },
        needed: { capability: "weather", output: Weather, required: true },
        untyped: "date_service",
      },
      async handler(_args, { weather, needed, untyped }) {
        expectTypeOf(weather).toEqualTypeOf<McpMeshTool<{ city: string; celsius: number }> | null>();
        expectTypeOf(needed).toEqualTypeOf<McpMeshTool<{ city: string; celsius: number }>>();
        expectTypeOf(await needed({ city: "Oslo" })).toEqualTypeOf<{ city: string; celsius: number }>();
        expectTypeOf(untyped).toEqualTypeOf<McpMeshTool | null>();
        if (untyped) expectTypeOf(await untyped()).toEqualTypeOf<unknown>();
        // Another tool of the provider has its own output: callTool stays unknown.
        expectTypeOf(await needed.callTool("other")).toEqualTypeOf<unknown>();
        const w = await needed();
        // @ts-expect-error celsius is a number
        const s: string = w.celsius;
        return `${w.city} ${s}`;
      },
    });
  });

  it("the output must be a schema", () => {
    const agent = mesh.agent({ name: "typed-out-2", autoRun: false });
    agent.tool({
      name: "t",
      // @ts-expect-error a plain object is not a zod schema
      dependencies: { weather: { capability: "weather", output: { city: "string" } } },
      handler: () => "x",
    });
  });
});
