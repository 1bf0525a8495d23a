// MCP_MESH_REGISTRY_PUBLIC_READ opens the reads and nothing else; MCP_MESH_REGISTRY_PROTECT_METRICS
// closes /metrics; /proxy never follows an agent's redirect to somewhere else.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

const TOKEN = "read-test-token-0123456789";
let dir: string;
let reg: AuthRegistry;
let redirector: http.Server;
let secret: http.Server;
let secretHits = 0;

const port = (s: http.Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-read-"));
  secret = http.createServer((_req, res) => {
    secretHits++;
    res.end("secret");
  });
  await new Promise<void>((r) => secret.listen(0, "127.0.0.1", r));
  redirector = http.createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `http://127.0.0.1:${port(secret)}/admin` }).end();
  });
  await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
  reg = await startAuthRegistry(join(dir, "reg.db"), {
    MCP_MESH_REGISTRY_TOKEN: TOKEN,
    MCP_MESH_REGISTRY_PUBLIC_READ: "true",
    MCP_MESH_REGISTRY_PROTECT_METRICS: "true",
  });
}, 30_000);

afterAll(async () => {
  await reg?.stop();
  for (const s of [redirector, secret]) await new Promise<void>((r) => s?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

it("opens only the reads, and closes /metrics", async () => {
  for (const path of ["/agents", "/events", "/schemas"])
    expect((await fetch(`${reg.url}${path}`)).status, path).toBe(200);
  expect((await fetch(`${reg.url}/metrics`)).status).toBe(401);
  expect((await fetch(`${reg.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  expect((await fetch(`${reg.url}/heartbeat`, { method: "POST", body: "{}" })).status).toBe(401);
  expect((await fetch(`${reg.url}/heartbeat/x`, { method: "HEAD" })).status).toBe(401);
  expect((await fetch(`${reg.url}/watch/x`)).status).toBe(401);
  expect((await fetch(`${reg.url}/proxy/127.0.0.1:1/mcp`, { method: "POST", body: "{}" })).status).toBe(401);
  expect((await fetch(`${reg.url}/health`)).status).toBe(200);
});

it("/proxy hands an agent's redirect back instead of following it", async () => {
  const auth = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  const body = {
    agent_id: "redirector-1a2b3c4d",
    name: "redirector",
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.0.0",
    http_host: "127.0.0.1",
    http_port: port(redirector),
    namespace: "default",
    tools: [{ function_name: "r", capability: "r", version: "1.0.0", inputSchema: { type: "object" } }],
  };
  expect(
    (await fetch(`${reg.url}/heartbeat`, { method: "POST", headers: auth, body: JSON.stringify(body) })).status,
  ).toBe(200);
  const res = await fetch(`${reg.url}/proxy/127.0.0.1:${port(redirector)}/mcp`, {
    method: "POST",
    headers: auth,
    body: "{}",
    redirect: "manual",
  });
  expect(res.status).toBe(307);
  expect(secretHits).toBe(0);
});
