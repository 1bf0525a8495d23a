// The registry with tokens on, as a real process: who may read, write, own, watch and proxy.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthRegistry, agentRegistration, startAuthRegistry } from "./registry-process.js";

const OWNER = "owner-token-0123456789";
const OTHER = "other-token-0123456789";
const BILLING = "billing-token-0123456789";
const STATIC = "static-token-0123456789";

let dir: string;
let reg: AuthRegistry;
let upstream: http.Server;
let upstreamPort = 0;
const upstreamSaw: http.IncomingHttpHeaders[] = [];

function registration(id: string, capability: string, port = upstreamPort, version = "1.0.0") {
  return agentRegistration(id, capability, { port, version });
}

async function call(method: string, path: string, token?: string, body?: unknown) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${reg.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  // A watch stream stays open: read only the status and headers of a 200 there.
  const text = path.startsWith("/watch/") && res.status === 200 ? "" : await res.text();
  if (path.startsWith("/watch/") && res.status === 200) await res.body?.cancel();
  return { status: res.status, headers: res.headers, text };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-auth-"));
  upstream = http.createServer((req, res) => {
    upstreamSaw.push(req.headers);
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"jsonrpc":"2.0","id":1}'));
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  upstreamPort = (upstream.address() as AddressInfo).port;
  const file = join(dir, "tokens.json");
  writeFileSync(
    file,
    JSON.stringify([
      { token: OWNER, name: "owner" },
      { token: OTHER, name: "other" },
      { token: BILLING, name: "billing", capabilities: ["billing_*"] },
    ]),
  );
  reg = await startAuthRegistry(join(dir, "reg.db"), {
    MCP_MESH_REGISTRY_TOKEN: STATIC,
    MCP_MESH_REGISTRY_TOKENS_FILE: file,
    MCP_MESH_PROPAGATE_HEADERS: "authorization",
  });
}, 30_000);

afterAll(async () => {
  await reg?.stop();
  await new Promise<void>((r) => upstream?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const PROTECTED: Array<[string, string]> = [
  ["GET", "/agents"],
  ["GET", "/agents/some-agent"],
  ["GET", "/events"],
  ["GET", "/schemas"],
  ["GET", "/trace/abc"],
  ["GET", "/ui"],
  ["POST", "/heartbeat"],
  ["HEAD", "/heartbeat/some-agent"],
  ["DELETE", "/agents/some-agent"],
  ["GET", "/watch/some-agent"],
  ["POST", "/proxy/127.0.0.1:1/mcp"],
];

describe("registry with tokens", () => {
  it("answers 401 with a Bearer challenge to a missing or wrong token at every protected endpoint", async () => {
    for (const [method, path] of PROTECTED) {
      for (const token of [undefined, "wrong-token-000000000"]) {
        const r = await call(method, path, token, method === "POST" ? {} : undefined);
        expect(r.status, `${method} ${path} with ${token ?? "no token"}`).toBe(401);
        expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
        if (method !== "HEAD") expect(JSON.parse(r.text).error).toMatch(/token/);
      }
    }
  });

  it("keeps the probes and /metrics open", async () => {
    for (const path of ["/health", "/livez", "/ready", "/metrics"]) expect((await call("GET", path)).status).toBe(200);
    // Even with a wrong token: a misconfigured agent must not see the registry as down.
    for (const path of ["/health", "/livez", "/ready"])
      expect((await call("GET", path, "wrong-token-000000000")).status).toBe(200);
  });

  it("lets a valid token read, from the tokens file and from MCP_MESH_REGISTRY_TOKEN", async () => {
    expect((await call("GET", "/agents", OWNER)).status).toBe(200);
    expect((await call("GET", "/agents", STATIC)).status).toBe(200);
  });

  it("refuses an agent_id takeover, heartbeat, watch and delete by another credential, keeping the owner's traffic", async () => {
    const id = "weather-1a2b3c4d";
    expect((await call("POST", "/heartbeat", OWNER, registration(id, "weather"))).status).toBe(200);
    const takeover = await call("POST", "/heartbeat", OTHER, registration(id, "weather", 1));
    expect(takeover.status).toBe(403);
    expect(JSON.parse(takeover.text).error).toContain("another credential");
    expect((await call("HEAD", `/heartbeat/${id}`, OTHER)).status).toBe(403);
    expect((await call("GET", `/watch/${id}`, OTHER)).status).toBe(403);
    expect((await call("DELETE", `/agents/${id}`, OTHER)).status).toBe(403);
    // The real agent is untouched: still healthy at its own endpoint, and its own calls work.
    const listed = JSON.parse((await call("GET", "/agents", OTHER)).text).agents;
    const mine = listed.find((a: { id: string }) => a.id === id);
    expect(mine.status).toBe("healthy");
    expect(mine.endpoint).toBe(`http://127.0.0.1:${upstreamPort}`);
    expect((await call("HEAD", `/heartbeat/${id}`, OWNER)).status).toBe(200);
    expect((await call("GET", `/watch/${id}`, OWNER)).status).toBe(200);
  });

  it("gives a new agent_id to one credential when two race to register it", async () => {
    for (let i = 0; i < 5; i++) {
      const id = `race-${i}-1a2b3c4d`;
      const answers = await Promise.all([
        call("POST", "/heartbeat", OWNER, registration(id, "race")),
        call("POST", "/heartbeat", OTHER, registration(id, "race", 1)),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 403]);
      const winner = answers[0]?.status === 200 ? OWNER : OTHER;
      const loser = winner === OWNER ? OTHER : OWNER;
      expect((await call("HEAD", `/heartbeat/${id}`, winner)).status).toBe(200);
      expect((await call("HEAD", `/heartbeat/${id}`, loser)).status).toBe(403);
    }
  });

  it("refuses a capability outside the credential's scopes (a fake provider with a higher version)", async () => {
    expect((await call("POST", "/heartbeat", OWNER, registration("pay-real", "payments"))).status).toBe(200);
    const fake = await call("POST", "/heartbeat", BILLING, registration("pay-fake", "payments", 1, "9.9.9"));
    expect(fake.status).toBe(403);
    expect(JSON.parse(fake.text).error).toContain("payments");
    expect((await call("POST", "/heartbeat", BILLING, registration("bill-1", "billing_invoice"))).status).toBe(200);
    const agents = JSON.parse((await call("GET", "/agents", OWNER)).text).agents as Array<{ id: string }>;
    expect(agents.map((a) => a.id)).not.toContain("pay-fake");
  });

  it("proxies to a registered agent's /mcp with a token, without passing the registry token on", async () => {
    const id = "proxied-1a2b3c4d";
    expect((await call("POST", "/heartbeat", OWNER, registration(id, "proxied"))).status).toBe(200);
    const r = await call("POST", `/proxy/127.0.0.1:${upstreamPort}/mcp`, OWNER, { jsonrpc: "2.0", id: 1 });
    expect(r.status).toBe(200);
    expect(upstreamSaw.at(-1)?.authorization).toBeUndefined();
    for (const path of ["/mcp/../admin", "/mcp/%2e%2e/admin", "/mcp/..%5cadmin", "/admin", "/mcpx"]) {
      const bad = await call("POST", `/proxy/127.0.0.1:${upstreamPort}${path}`, OWNER, {});
      expect(bad.status, path).toBe(400);
    }
    expect((await call("POST", "/proxy/127.0.0.1:22/mcp", OWNER, {})).status).toBe(403);
  });

  it("keeps ownership across a registry restart", async () => {
    const id = "durable-1a2b3c4d";
    expect((await call("POST", "/heartbeat", OWNER, registration(id, "durable"))).status).toBe(200);
    await reg.stop();
    reg = await startAuthRegistry(join(dir, "reg.db"), {
      MCP_MESH_REGISTRY_TOKEN: STATIC,
      MCP_MESH_REGISTRY_TOKENS_FILE: join(dir, "tokens.json"),
    });
    expect((await call("POST", "/heartbeat", OTHER, registration(id, "durable", 1))).status).toBe(403);
    expect((await call("POST", "/heartbeat", OWNER, registration(id, "durable"))).status).toBe(200);
  }, 30_000);

  it("picks up a rotated tokens file without a restart", async () => {
    const rotated = "rotated-token-0123456789";
    writeFileSync(join(dir, "tokens.json"), JSON.stringify([{ token: rotated, name: "owner" }]));
    const deadline = Date.now() + 10_000;
    while ((await call("GET", "/agents", rotated)).status !== 200) {
      if (Date.now() > deadline) throw new Error("rotated token never accepted");
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await call("GET", "/agents", OTHER)).status).toBe(401);
    // Same name, same owner: the rotated token keeps the agents its predecessor registered.
    expect((await call("HEAD", "/heartbeat/durable-1a2b3c4d", rotated)).status).toBe(200);
    // A broken edit keeps the last good set in force rather than locking everyone out.
    writeFileSync(join(dir, "tokens.json"), "[{ not json");
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await call("GET", "/agents", rotated)).status).toBe(200);
    // The complaint is logged by the registry process: its line may arrive a moment after the answer.
    const logged = Date.now() + 5_000;
    while (!reg.output().includes("MCP_MESH_REGISTRY_TOKENS_FILE") && Date.now() < logged)
      await new Promise((r) => setTimeout(r, 100));
    expect(reg.output()).toContain("MCP_MESH_REGISTRY_TOKENS_FILE");
  });
});
