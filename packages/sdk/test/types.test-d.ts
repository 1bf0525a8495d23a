// Type tests: handler argument types follow from the declaration. Vitest's typecheck mode
// (root vitest.config.ts) runs tsc over packages/sdk/test/tsconfig.json and reports each of these
// as a test; nothing here runs at runtime.
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { type McpMeshTool, mesh, type SessionMove } from "../src/index.js";

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

  it("types session affinity: session: true, onSessionMoved(SessionMove), the sessionId call option", () => {
    const agent = mesh.agent({ name: "typed-sessions", autoRun: false });
    agent.tool({
      name: "s",
      dependencies: {
        chat: {
          capability: "chat",
          session: true,
          // In a declaration the parameter is not inferred (the map is a generic), so it is annotated.
          onSessionMoved: (m: SessionMove) => {
            expectTypeOf(m).toEqualTypeOf<SessionMove>();
            expectTypeOf(m.reason).toEqualTypeOf<"left" | "ejected" | "failed">();
            expectTypeOf(m.from).toEqualTypeOf<string | undefined>();
          },
        },
      },
      async handler(_args, { chat }) {
        await chat?.(
          { message: "hi" },
          { sessionId: "abc", onSessionMoved: (m) => expectTypeOf(m).toEqualTypeOf<SessionMove>() },
        );
        // @ts-expect-error a session id is a string
        await chat?.({}, { sessionId: 42 });
        return "ok";
      },
    });
    agent.tool({
      name: "bad",
      // @ts-expect-error session is a boolean
      dependencies: { c: { capability: "c", session: "yes" } },
      handler: () => "x",
    });
    agent.tool({
      name: "bad-listener",
      // @ts-expect-error the listener takes a SessionMove
      dependencies: { c: { capability: "c", onSessionMoved: (m: number) => m } },
      handler: () => "x",
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
