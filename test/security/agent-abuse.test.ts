// Hostile /mcp input to an agent that requires a token (issue 12): the unauthenticated variants
// of packages/sdk/test/mcp-abuse.test.ts. Without a token nothing is parsed, dispatched or held:
// a 5 MB body, a body that never finishes, a batch of 100 calls, 10k _mesh_headers, reserved
// arguments of the wrong types all get the 401 at once and the connection is closed; hundreds of
// refused keep-alive sockets do not stay open; the handler never runs; a caller with the token
// is served throughout.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MeshAgent } from "../../packages/sdk/src/agent.js";
import { createTestMesh, type TestMesh } from "../../packages/sdk/src/testing/index.js";
import { holdMany, statusOf } from "./raw-sockets.js";

const TOKEN = "agent-abuse-token-0123456789";
let m: TestMesh;
let agent: MeshAgent;
let port = 0;
let runs = 0;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "guarded-abused", auth: { tokens: [TOKEN] } });
  agent.tool({
    name: "ping",
    handler: () => {
      runs++;
      return "pong";
    },
  });
  await m.start();
  port = Number(new URL(agent.url as string).port);
});
afterAll(() => m.close());

const call = (id: unknown, args: unknown) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "ping", arguments: args } });

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${agent.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body,
  });
  return { status: res.status, connection: res.headers.get("connection"), text: await res.text() };
}

async function authorizedStillServes() {
  const before = runs;
  const r = await post(call(99, {}), { authorization: `Bearer ${TOKEN}` });
  expect(r.status).toBe(200);
  expect(r.text).toContain("pong");
  expect(runs).toBe(before + 1);
}

it("refuses every hostile body without a token with 401 and a closed connection, before any handler", async () => {
  const many = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`x-h-${i}`, "v"]));
  const bodies = {
    "a 5 MB body": JSON.stringify({ jsonrpc: "2.0", id: 1, method: "x", params: { pad: "x".repeat(5 * 1024 * 1024) } }),
    "a batch of 100 calls": `[${Array.from({ length: 100 }, (_, i) => call(i, {})).join(",")}]`,
    "10k _mesh_headers": call(2, { _mesh_headers: many }),
    "reserved arguments of wrong types": call(3, { _mesh_headers: 7, _trace_id: {}, _parent_span: [1] }),
    "a 1 MB id": call("x".repeat(1024 * 1024), {}),
  };
  for (const [what, body] of Object.entries(bodies)) {
    const r = await post(body);
    expect({ what, status: r.status, connection: r.connection }).toEqual({ what, status: 401, connection: "close" });
  }
  // A wrong token: the body is read (a tool may have its own auth) but the answer is the same.
  const wrong = await post(bodies["a batch of 100 calls"], { authorization: "Bearer not-it" });
  expect(wrong.status).toBe(401);
  expect(runs).toBe(0);
  await authorizedStillServes();
});

it("answers a body that never finishes with 401 at once when it has no token", async () => {
  const [s] = await holdMany(
    port,
    "slow anonymous body",
    1,
    "POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{",
  );
  if (!s) throw new Error("no socket");
  await s.closed;
  expect(statusOf(s)).toBe(401);
  expect(s.closedByServer()).toBe(true);
  await authorizedStillServes();
});

it("does not keep 500 refused keep-alive connections open", async () => {
  const request = `POST /mcp HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${call(1, {}).length}\r\n\r\n${call(1, {})}`;
  const held = await holdMany(port, "refused keep-alive", 500, request);
  await Promise.all(held.map((s) => s.closed));
  expect(new Set(held.map(statusOf))).toEqual(new Set([401]));
  expect(held.every((s) => s.closedByServer())).toBe(true);
  expect(runs).toBe(2);
  await authorizedStillServes();
});
