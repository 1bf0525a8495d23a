// An agent mesh in one process: our registry in-process, agents on loopback ports.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { createTestMesh, fake, providers, type TestMesh, waitForDependency } from "../src/testing/index.js";

describe("a consumer and a provider in one process", () => {
  let m: TestMesh;
  let provider: MeshAgent;
  let consumer: MeshAgent;

  beforeAll(async () => {
    m = await createTestMesh();
    provider = m.agent({ name: "date-provider" });
    provider.tool({
      name: "get_date",
      capability: "date_service",
      input: { tz: z.string().default("UTC") },
      handler: ({ tz }) => `2030-01-01 (${tz})`,
    });
    provider.tool({
      name: "get_info",
      capability: "info",
      handler: () => ({ region: "eu", n: 3 }),
    });
    consumer = m.agent({ name: "greeter" });
    consumer.tool({
      name: "hello",
      capability: "greeting",
      input: { who: z.string().default("world") },
      dependencies: { date: "date_service", missing: "no_such_capability" },
      async handler({ who }, { date, missing }) {
        if (!date) return `Hello ${who}! (no date)`;
        return `Hello ${who}! Today is ${await date({ tz: "CET" })}${missing ? "" : " (missing is null)"}`;
      },
    });
    consumer.tool({
      name: "info_via_call_tool",
      dependencies: { date: "date_service" },
      handler: async (_args, { date }) => date?.callTool("get_info"),
    });
    await m.start();
    await waitForDependency(consumer, "date_service");
  });
  afterAll(() => m.close());

  it("calls the provider through the injected proxy and gets null for an unresolved one", async () => {
    expect(await m.call(consumer, "hello", { who: "Ada" })).toBe(
      "Hello Ada! Today is 2030-01-01 (CET) (missing is null)",
    );
  });

  it("decodes JSON text into objects (callTool reaches another tool of the provider)", async () => {
    expect(await m.call(consumer, "info_via_call_tool")).toEqual({ region: "eu", n: 3 });
  });

  it("misuse is a MeshError with a code: a tool after start(), a hook on an undeclared dependency", async () => {
    const late = () => consumer.tool({ name: "late", handler: () => "x" });
    expect(late).toThrow(MeshError);
    expect(late).toThrow(expect.objectContaining({ code: ErrorCodes.AGENT_STATE }));
    expect(() => fake(consumer, "nope", () => 1)).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND }));
    await expect(waitForDependency(consumer, "no_such_capability", { timeoutMs: 50 })).rejects.toMatchObject({
      code: ErrorCodes.TIMEOUT,
    });
    const idle = m.agent({ name: "never-started" });
    expect(() => providers(idle, "x")).toThrow(expect.objectContaining({ code: ErrorCodes.AGENT_STATE }));
    expect(providers(consumer, "date_service")).toEqual([provider.url]);
  });

  it("a fake replaces the dependency, and removing it restores the provider", async () => {
    fake(consumer, "date_service", () => "FAKE");
    expect(await m.call(consumer, "hello", { who: "B" })).toBe("Hello B! Today is FAKE (missing is null)");
    fake(consumer, "date_service", undefined);
    expect(await m.call(consumer, "hello", { who: "B" })).toContain("2030-01-01");
  });

  it("after the provider stops, the handler gets null", async () => {
    const other = m.agent({ name: "p2" });
    other.tool({ name: "ping", capability: "pong", handler: () => "pong" });
    const user = m.agent({ name: "u2" });
    user.tool({ name: "use", dependencies: { p: "pong" }, handler: async (_a, { p }) => (p ? p() : "fallback") });
    await m.start();
    await waitForDependency(user, "pong");
    expect(await m.call(user, "use")).toBe("pong");
    await other.stop();
    await waitForDependency(user, "pong", { unwired: true, timeoutMs: 3000 });
    expect(await m.call(user, "use")).toBe("fallback");
  });

  it("remote errors arrive as MeshError with a code", async () => {
    const failing = m.agent({ name: "failing" });
    failing.tool({
      name: "boom",
      capability: "boom",
      handler: () => {
        throw new Error("kaput");
      },
    });
    const caller = m.agent({ name: "caller" });
    caller.tool({
      name: "call_boom",
      dependencies: { b: { capability: "boom", required: true } },
      handler: async (_a, { b }) => {
        try {
          return await b();
        } catch (e) {
          return { code: (e as MeshError).code, isMesh: e instanceof MeshError, message: (e as Error).message };
        }
      },
    });
    await m.start();
    await waitForDependency(caller, "boom");
    const r = (await m.call(caller, "call_boom")) as { code: string; isMesh: boolean; message: string };
    expect(r.isMesh).toBe(true);
    expect(r.code).toBe(ErrorCodes.REMOTE_TOOL_ERROR);
    expect(r.message).toContain("kaput");
  });
});

describe("a dependency on a capability of the same agent", () => {
  it("is called in-process (works although the announced host is unroutable)", async () => {
    const m = await createTestMesh();
    try {
      // 192.0.2.1 is TEST-NET-1: nothing answers there, so only an in-process call can succeed.
      const agent = m.agent({ name: "self-user", httpHost: "192.0.2.1" });
      agent.tool({ name: "double", capability: "doubling", input: { x: z.number() }, handler: ({ x }) => x * 2 });
      agent.tool({
        name: "quadruple",
        input: { x: z.number() },
        dependencies: { double: { capability: "doubling", required: true, timeout: 1000 } },
        // Plain text results come back as strings (PROTOCOL.md §4.2: only {…}/[…] is JSON-parsed).
        handler: async ({ x }, { double }) => double({ x: Number(await double({ x })) }),
      });
      await m.start();
      await waitForDependency(agent, "doubling");
      expect(await agent.callLocal("quadruple", { x: 5 })).toBe("20");
    } finally {
      await m.close();
    }
  });
});

describe("metrics per dependency", () => {
  it("counts calls made through a proxy by capability and outcome", async () => {
    const m = await createTestMesh();
    try {
      const p = m.agent({ name: "metric-provider" });
      p.tool({ name: "num", capability: "numbers", handler: () => "7" });
      const c = m.agent({ name: "metric-consumer" });
      c.tool({ name: "use", dependencies: { n: "numbers" }, handler: async (_a, { n }) => n?.() });
      await m.start();
      await waitForDependency(c, "numbers");
      for (let i = 0; i < 3; i++) await m.call(c, "use");
      const text = await (await fetch(`${c.url}/metrics`)).text();
      expect(text).toMatch(
        /mcp_mesh_dependency_calls_total\{capability="numbers",outcome="ok",agent="metric-consumer"\} 3/,
      );
      expect(text).toMatch(/mcp_mesh_tool_calls_total\{tool="use",outcome="ok",agent="metric-consumer"\} 3/);
    } finally {
      await m.close();
    }
  });
});
