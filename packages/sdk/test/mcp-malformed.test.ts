// /mcp answers every malformed JSON-RPC message (the official server's strict schema would drop
// it silently, leaving the HTTP request open and held in memory), bounds batches, and forgets a
// call whose caller went away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MeshAgent } from "../src/agent.js";
import { MAX_BATCH_MESSAGES } from "../src/http-server.js";
import { createTestMesh, inFlightCalls, type TestMesh } from "../src/testing/index.js";
import { callTool, waitFor } from "./agent-processes.js";

let m: TestMesh;
let agent: MeshAgent;
let url: string;
let aborted = 0;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "malformed" });
  agent.tool({ name: "ping", handler: () => "pong" });
  agent.tool({
    name: "hang",
    handler: (_args, _deps, ctx) =>
      new Promise((resolve) => {
        ctx.signal?.addEventListener("abort", () => {
          aborted++;
          resolve("aborted");
        });
      }),
  });
  await m.start();
  url = agent.url as string;
});
afterAll(() => m.close());

/** POSTs a raw body; fails the test instead of hanging when nothing answers. */
async function post(body: string) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body,
    signal: AbortSignal.timeout(5_000),
  });
  const text = await res.text();
  return { status: res.status, text, json: text ? JSON.parse(text) : undefined };
}

describe("malformed messages are answered, not dropped", () => {
  const cases: [string, string, number, unknown][] = [
    ["an extra top-level key", '{"jsonrpc":"2.0","id":1,"method":"tools/list","extra":1}', -32600, 1],
    ["params a string", '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":"x"}', -32602, 2],
    ["params an array", '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":["ping"]}', -32602, 3],
    ["params a number", '{"jsonrpc":"2.0","id":"four","method":"tools/list","params":4}', -32602, "four"],
    ["params a boolean", '{"jsonrpc":"2.0","id":5,"method":"tools/list","params":true}', -32602, 5],
    ["params null", '{"jsonrpc":"2.0","id":6,"method":"tools/list","params":null}', -32602, 6],
    ["a fractional id", '{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}', -32600, null],
    ["a null id", '{"jsonrpc":"2.0","id":null,"method":"tools/list"}', -32600, null],
    ["a method that is not a string", '{"jsonrpc":"2.0","id":7,"method":7}', -32600, 7],
    ["_meta that is not an object", '{"jsonrpc":"2.0","id":8,"method":"tools/list","params":{"_meta":1}}', -32602, 8],
    [
      "a bad progress token",
      '{"jsonrpc":"2.0","id":9,"method":"tools/list","params":{"_meta":{"progressToken":{}}}}',
      -32602,
      9,
    ],
    [
      "tools/call arguments that are not an object",
      '{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{"name":"ping","arguments":"x"}}',
      -32602,
      11,
    ],
    ["a response with neither result nor error", '{"jsonrpc":"2.0","id":10}', -32600, 10],
    ["a notification with an extra key", '{"jsonrpc":"2.0","method":"notifications/initialized","x":1}', -32600, null],
    [
      "a notification with params a string",
      '{"jsonrpc":"2.0","method":"notifications/initialized","params":"x"}',
      -32602,
      null,
    ],
  ];
  const named = cases.map(([what, body, code, id]) => ({ what, body, code, id }));
  it.each(named)("$what → JSON-RPC error $code", async ({ body, code, id }) => {
    const r = await post(body);
    expect(r.status).toBeLessThan(500);
    expect(r.json).toMatchObject({ jsonrpc: "2.0", id, error: { code } });
    expect(r.json.error.message).toMatch(/^Invalid/);
    expect(inFlightCalls(agent)).toBe(0);
  });

  it("2,000 abandoned 20 KB malformed requests leave nothing behind, and the agent serves", async () => {
    const pad = "x".repeat(20_000);
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          post(JSON.stringify({ jsonrpc: "2.0", id: i, method: "tools/list", extra: pad })).then((r) =>
            expect(r.json.error.code).toBe(-32600),
          ),
        ),
      );
    }
    expect(inFlightCalls(agent)).toBe(0);
    expect((await callTool(url, "ping")).body.result.content[0].text).toBe("pong");
  });
});

describe("batches", () => {
  it("an empty batch is an Invalid Request, not a 202", async () => {
    const r = await post("[]");
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ id: null, error: { code: -32600 } });
    expect(r.json.error.message).toContain("empty batch");
  });

  it(`a batch of more than ${MAX_BATCH_MESSAGES} messages is refused whole, with the limit named`, async () => {
    const batch = Array.from({ length: 40_000 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "tools/call",
      params: { name: "ping", arguments: {} },
    }));
    const r = await post(JSON.stringify(batch));
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: -32600 });
    expect(r.json.error.message).toContain(String(MAX_BATCH_MESSAGES));
    expect(inFlightCalls(agent)).toBe(0);
  });

  it(`a batch of ${MAX_BATCH_MESSAGES} is answered in full, malformed members each with their error`, async () => {
    const batch: unknown[] = Array.from({ length: MAX_BATCH_MESSAGES - 2 }, (_, i) => ({
      jsonrpc: "2.0",
      id: i,
      method: "tools/call",
      params: { name: "ping", arguments: {} },
    }));
    batch.push({ jsonrpc: "2.0", id: "bad", method: "tools/list", params: "x" }, 42);
    const r = await post(JSON.stringify(batch));
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(MAX_BATCH_MESSAGES);
    expect(r.json.filter((a: any) => a.result?.content?.[0]?.text === "pong")).toHaveLength(MAX_BATCH_MESSAGES - 2);
    expect(r.json).toContainEqual({ jsonrpc: "2.0", id: "bad", error: expect.objectContaining({ code: -32602 }) });
    expect(r.json).toContainEqual({ jsonrpc: "2.0", id: null, error: expect.objectContaining({ code: -32600 }) });
  });
});

describe("a caller that goes away mid-call", () => {
  it("its call is forgotten and its handler is told (ctx.signal aborts)", async () => {
    const before = aborted;
    const gone = new AbortController();
    const pending = fetch(`${url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "hang", arguments: {} } }),
      signal: gone.signal,
    }).catch(() => "gone");
    await waitFor(() => (inFlightCalls(agent) === 1 ? true : undefined), 5_000, "the call to arrive");
    gone.abort();
    expect(await pending).toBe("gone");
    await waitFor(() => (inFlightCalls(agent) === 0 && aborted > before ? true : undefined), 5_000, "the call to end");
    expect((await callTool(url, "ping")).body.result.content[0].text).toBe("pong");
  });
});
