// Hostile /mcp input on a real agent (issue 12, "Bad input and abuse"): each case is answered
// with a 4xx or a JSON-RPC error, never a 5xx or a crash, nothing stays held, and a valid call
// works afterwards. The slow-body case runs on the agent's HTTP server with a short limit.

import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MeshAgent } from "../src/agent.js";
import { createHttpServer } from "../src/http-server.js";
import { McpEndpoint } from "../src/mcp-endpoint.js";
import { createTestMesh, inFlightCalls, type TestMesh } from "../src/testing/index.js";
import { MAX_MESH_HEADERS } from "../src/tool-context.js";
import { callTool } from "./agent-processes.js";

let m: TestMesh;
let agent: MeshAgent;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "abused" });
  agent.tool({ name: "ping", handler: () => "pong" });
  agent.tool({ name: "headers", handler: (_a, _d, ctx) => Object.keys(ctx.headers).length });
  await m.start();
});
afterAll(() => m.close());

async function post(body: string) {
  const res = await fetch(`${agent.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const call = (id: unknown, name: string, args: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });

async function stillServes() {
  expect(inFlightCalls(agent)).toBe(0);
  expect(await callTool(agent.url as string, "ping")).toMatchObject({ status: 200 });
}

it("a 1 MB id and a huge numeric id are answered, not crashed on", async () => {
  for (const id of ["x".repeat(1024 * 1024), 1e308, -(2 ** 63)]) {
    const r = await post(call(id, "ping", {}));
    expect(r.status).toBeLessThan(500);
  }
  await stillServes();
});

it(`10k _mesh_headers entries: the call works, at most ${MAX_MESH_HEADERS} are kept`, async () => {
  const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-h-${i}`, "v"]));
  const r = await post(call(1, "headers", { _mesh_headers: many }));
  expect(r.status).toBe(200);
  const kept = Number(JSON.parse(r.text).result.content[0].text);
  expect(kept).toBeLessThanOrEqual(MAX_MESH_HEADERS);
  await stillServes();
});

it("reserved arguments of the wrong types are ignored, not crashed on", async () => {
  for (const bad of [
    { _trace_id: 42, _parent_span: {}, _mesh_headers: "authorization: x" },
    { _trace_id: ["a"], _parent_span: null, _mesh_headers: [1, 2, 3] },
    { _mesh_headers: { a: 1, b: null, c: { d: "e" } } },
  ]) {
    const r = await post(call(1, "ping", bad));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).result.content[0].text).toBe("pong");
  }
  await stillServes();
});

it("a 5 MB body gets 413, a batch of 101 gets 400, an array of junk gets answers", async () => {
  expect((await post(call(1, "ping", { pad: "x".repeat(5 * 1024 * 1024) }))).status).toBe(413);
  expect((await post(`[${Array.from({ length: 101 }, () => call(1, "ping", {})).join(",")}]`)).status).toBe(400);
  const junk = await post(JSON.stringify([1, "a", null, [], {}, { jsonrpc: "2.0" }]));
  expect(junk.status).toBe(200);
  expect(JSON.parse(junk.text)).toHaveLength(6);
  await stillServes();
});

it("a body that never finishes is cut off at the request timeout; other calls keep working", async () => {
  const endpoint = new McpEndpoint({ name: "slow", version: "1.0.0" });
  endpoint.addTool("ping", { description: "", input: undefined, output: undefined }, async () => ({
    content: [{ type: "text", text: "pong" }],
  }));
  await endpoint.connect();
  const probes = {
    livez: () => ({}),
    ready: () => ({ ok: true, body: {} }),
    health: async () => ({ ok: true, body: {} }),
    metrics: async () => ({ contentType: "text/plain", text: "" }),
  };
  const server = createHttpServer(endpoint, probes, undefined, { requestTimeoutMs: 500, checkIntervalMs: 100 });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    const socket = connect(port, "127.0.0.1");
    const closed = new Promise<string>((resolve) => {
      let got = "";
      socket.on("data", (d) => {
        got += d;
      });
      socket.on("close", () => resolve(got));
    });
    socket.write("POST /mcp HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{");
    // Meanwhile a normal call is served.
    const ok = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: call(1, "ping", {}),
    });
    expect(ok.status).toBe(200);
    // Node answers 408 and closes the connection; the stalled request never reaches a handler.
    expect(await closed).toMatch(/^HTTP\/1.1 408/);
  } finally {
    await new Promise((r) => server.close(r));
    await endpoint.close();
  }
});
