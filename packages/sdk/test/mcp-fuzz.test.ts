// Property test of the agent's /mcp, as the registry's fuzz test does for its API: whatever
// mutated or random JSON-RPC arrives, single or batched, every request is answered (a valid
// notification or response gets 202), never with a 5xx, no call is held once its request is
// over, and the agent still serves real calls afterwards.
// Set FUZZ_RUNS / FUZZ_SEED to dig deeper or to replay a reported counterexample.
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { createTestMesh, inFlightCalls, type TestMesh } from "../src/testing/index.js";
import { callTool } from "./agent-processes.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let m: TestMesh;
let agent: MeshAgent;
let url: string;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "fuzzed" });
  agent.tool({ name: "ping", handler: () => "pong" });
  agent.tool({ name: "add", input: { a: z.number(), b: z.number() }, handler: ({ a, b }) => a + b });
  agent.tool({
    name: "fails",
    handler: () => {
      throw new Error("handler failure");
    },
  });
  await m.start();
  url = agent.url as string;
});
afterAll(() => m.close());

const METHODS = [
  "tools/list",
  "tools/call",
  "initialize",
  "ping",
  "logging/setLevel",
  "resources/list",
  "prompts/get",
  "completion/complete",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "no/such/method",
];

const anyJson = fc.jsonValue({ maxDepth: 3 });
const idArb = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(1.5, -0, null, true, [], {}, 2 ** 60),
);
const paramsArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ name: fc.constantFrom("ping", "add", "fails", "nope", ""), arguments: anyJson }),
  },
  { weight: 2, arbitrary: fc.record({ _meta: anyJson }, { requiredKeys: [] }) },
  {
    weight: 2,
    arbitrary: fc.record({
      protocolVersion: fc.constantFrom("2025-03-26", "2025-06-18", "1999-01-01", ""),
      capabilities: anyJson,
      clientInfo: anyJson,
    }),
  },
  { weight: 1, arbitrary: fc.record({ level: fc.constantFrom("debug", "loud", 3) }) },
  { weight: 2, arbitrary: anyJson },
);

/** A JSON-RPC message, valid or bent out of shape in one or more places. */
const messageArb: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record(
        {
          jsonrpc: fc.oneof({ weight: 9, arbitrary: fc.constant("2.0") }, { weight: 1, arbitrary: anyJson }),
          id: idArb,
          method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: anyJson }),
          params: paramsArb,
          result: anyJson,
          error: fc.oneof(fc.record({ code: fc.integer(), message: fc.string() }), anyJson),
        },
        { requiredKeys: ["jsonrpc"] },
      )
      .chain((msg) =>
        fc
          .dictionary(fc.constantFrom("extra", "__proto__", "constructor", "Method", "ID"), anyJson, { maxKeys: 1 })
          .map((extra) => ({ ...msg, ...extra })),
      ),
  },
  { weight: 1, arbitrary: anyJson },
);

const bodyArb = fc.oneof(
  { weight: 6, arbitrary: messageArb.map((msg) => JSON.stringify(msg)) },
  { weight: 2, arbitrary: fc.array(messageArb, { maxLength: 6 }).map((batch) => JSON.stringify(batch)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

it("every message is answered, never with a 5xx, and nothing is held afterwards", async () => {
  await fc.assert(
    fc.asyncProperty(bodyArb, async (body) => {
      const res = await fetch(`${url}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      expect(res.status).toBeLessThan(500);
      if (res.status === 202) {
        expect(text).toBe("");
      } else {
        const answer = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? text);
        for (const a of Array.isArray(answer) ? answer : [answer]) {
          expect(a.jsonrpc).toBe("2.0");
          expect("result" in a || "error" in a).toBe(true);
          if (a.error) expect(JSON.stringify(a.error)).not.toMatch(/\n\s+at /);
        }
      }
      expect(inFlightCalls(agent)).toBe(0);
    }),
    { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) },
  );
  const r = await callTool(url, "add", { a: 2, b: 3 });
  expect(r.body.result.content[0].text).toBe("5");
}, 120_000);
