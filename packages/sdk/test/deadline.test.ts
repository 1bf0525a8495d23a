// The dependency timeout is the deadline of the whole call: retries and their backoff do not
// extend it (one process, real HTTP between the agents on loopback).
import { ErrorCodes } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeshAgent } from "../src/agent.js";
import { createTestMesh, type TestMesh, waitForDependency } from "../src/testing/index.js";

describe("one deadline per call", () => {
  let m: TestMesh;
  let consumer: MeshAgent;
  const release: (() => void)[] = [];

  beforeAll(async () => {
    m = await createTestMesh();
    const provider = m.agent({ name: "stuck-provider" });
    provider.tool({
      name: "stuck",
      // Never answers on its own: the test releases it at the end.
      handler: () => new Promise<string>((r) => release.push(() => r("late"))),
    });
    provider.tool({
      name: "slowish",
      handler: () => new Promise<string>((r) => setTimeout(() => r("slow but fine"), 400)),
    });
    consumer = m.agent({ name: "impatient" });
    consumer.tool({
      name: "ask_slowish",
      dependencies: {
        slowish: { capability: "slowish", timeout: 5000, retryOnTimeout: true, attemptTimeout: 100 },
      },
      handler: async (_args, { slowish }) => slowish?.(),
    });
    consumer.tool({
      name: "ask",
      dependencies: { stuck: { capability: "stuck", timeout: 500, retries: 3 } },
      async handler(_args, { stuck }) {
        const t0 = performance.now();
        try {
          await stuck?.();
          return "answered";
        } catch (e) {
          return { code: (e as { code?: string }).code, ms: performance.now() - t0 };
        }
      },
    });
    await m.start();
    await waitForDependency(consumer, "stuck");
    await waitForDependency(consumer, "slowish");
  });
  afterAll(async () => {
    for (const r of release) r();
    await m.close();
  });

  it("a call with retries gives up at its timeout, not after every attempt's timeout", async () => {
    const r = (await m.call(consumer, "ask")) as { code: string; ms: number };
    expect(r.code).toBe(ErrorCodes.TIMEOUT);
    // Four attempts of 500 ms each plus backoff would be at least 2175 ms.
    expect(r.ms).toBeGreaterThanOrEqual(490);
    expect(r.ms).toBeLessThan(2000);
  });

  it("with retryOnTimeout, the last provider left gets the rest of the deadline, not attemptTimeout", async () => {
    // One provider, 400 ms per answer, attemptTimeout 100 ms: nobody to move on to, so it waits.
    expect(await m.call(consumer, "ask_slowish")).toBe("slow but fine");
  });
});
