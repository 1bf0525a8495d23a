// Inbound authentication on a real agent's /mcp: the agent's static tokens and a tool's own JWT
// requirement, refused with 401/403 and an RFC 6750 challenge before any handler runs; accepted
// calls see the verified identity (never the token) in ctx.auth.
import { RpcErrorCodes } from "@mcp-mesh/protocol";
import { SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { MeshAgent } from "../src/agent.js";
import { authFromEnv } from "../src/auth/inbound.js";
import { createTestMesh, type TestMesh } from "../src/testing/index.js";

const SECRET = "test-hmac-secret-of-at-least-32-bytes!!";
const AGENT_TOKEN = "agent-token-1";
let m: TestMesh;
let agent: MeshAgent;
let runs = 0;

beforeAll(async () => {
  m = await createTestMesh({ registry: false });
  agent = m.agent({ name: "guarded", auth: { tokens: ["old-token", AGENT_TOKEN] } });
  agent.tool({
    name: "whoami",
    handler: (_a, _d, ctx) => {
      runs++;
      return ctx.auth ?? null;
    },
  });
  agent.tool({
    name: "admin",
    auth: { jwt: { secret: SECRET, issuer: "https://issuer.test", audience: "mesh" }, subjects: ["alice"] },
    handler: (_a, _d, ctx) => {
      runs++;
      return { subject: ctx.auth?.subject, role: ctx.auth?.claims.role };
    },
  });
  await m.start();
});
afterAll(() => m.close());

async function call(name: string, authorization?: string) {
  const res = await fetch(`${agent.url}/mcp`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json",
      ...(authorization !== undefined && { authorization }),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: {} } }),
  });
  const body = (await res.json()) as {
    result?: { structuredContent?: unknown; content?: { text: string }[] };
    error?: { code: number; message: string };
  };
  return { status: res.status, challenge: res.headers.get("www-authenticate"), body };
}

function jwt(claims: Record<string, unknown>, opts: { iss?: string; aud?: string; exp?: number; key?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(opts.iss ?? "https://issuer.test")
    .setAudience(opts.aud ?? "mesh")
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 60)
    .sign(new TextEncoder().encode(opts.key ?? SECRET));
}

it("refuses a call without a token with 401 and a bare Bearer challenge, before the handler", async () => {
  const r = await call("whoami");
  expect(r.status).toBe(401);
  expect(r.challenge).toBe('Bearer realm="mcp-mesh"');
  expect(JSON.stringify(r.body)).toContain("bearer token is required");
  // The wire code MCP clients in the field key on; it lives in the one catalogue.
  expect(r.body).toMatchObject({ error: { code: RpcErrorCodes.UNAUTHORIZED } });
  expect(RpcErrorCodes.UNAUTHORIZED).toBe(-32001);
  expect(runs).toBe(0);
});

it("refuses a wrong or malformed token with 401 invalid_token / invalid_request", async () => {
  const wrong = await call("whoami", "Bearer nope");
  expect(wrong.status).toBe(401);
  expect(wrong.challenge).toContain('error="invalid_token"');
  expect(JSON.stringify(wrong.body)).not.toContain("nope");
  const basic = await call("whoami", "Basic dXNlcjpwYXNz");
  expect(basic.status).toBe(401);
  expect(basic.challenge).toContain('error="invalid_request"');
  expect(runs).toBe(0);
});

it("accepts any configured token and gives the handler the identity, not the token", async () => {
  const r = await call("whoami", `Bearer ${AGENT_TOKEN}`);
  expect(r.status).toBe(200);
  expect(r.body.result?.structuredContent ?? JSON.parse(r.body.result?.content?.[0]?.text ?? "null")).toEqual({
    kind: "token",
    subject: "token:1",
    claims: {},
  });
  expect(JSON.stringify(r.body)).not.toContain(AGENT_TOKEN);
});

it("a protected tool needs its own JWT: expired, foreign issuer, wrong key → 401; other subject → 403", async () => {
  const agentOnly = await call("admin", `Bearer ${AGENT_TOKEN}`);
  expect(agentOnly.status).toBe(401);
  const before = runs;
  const expired = await call("admin", `Bearer ${await jwt({ sub: "alice" }, { exp: 1_000_000 })}`);
  expect(expired.status).toBe(401);
  expect(expired.challenge).toContain('error="invalid_token"');
  expect(expired.challenge).toContain("exp");
  const foreign = await call("admin", `Bearer ${await jwt({ sub: "alice" }, { iss: "https://evil.test" })}`);
  expect(foreign.status).toBe(401);
  const forged = await call(
    "admin",
    `Bearer ${await jwt({ sub: "alice" }, { key: "another-secret-another-secret-xx" })}`,
  );
  expect(forged.status).toBe(401);
  const bob = await call("admin", `Bearer ${await jwt({ sub: "bob" })}`);
  expect(bob.status).toBe(403);
  expect(bob.challenge).toContain('error="insufficient_scope"');
  expect(runs).toBe(before);
});

it("a valid JWT reaches the tool with its subject and claims in ctx.auth", async () => {
  const r = await call("admin", `Bearer ${await jwt({ sub: "alice", role: "admin" })}`);
  expect(r.status).toBe(200);
  expect(r.body.result?.structuredContent ?? JSON.parse(r.body.result?.content?.[0]?.text ?? "null")).toEqual({
    subject: "alice",
    role: "admin",
  });
});

it("a batch needs every message's credentials", async () => {
  const res = await fetch(`${agent.url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${AGENT_TOKEN}` },
    body: JSON.stringify([
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whoami", arguments: {} } },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "admin", arguments: {} } },
    ]),
  });
  expect(res.status).toBe(401);
});

it("MCP_MESH_AUTH_TOKENS and MCP_MESH_AUTH_JWKS_URL configure the agent, beating code", () => {
  expect(authFromEnv({ MCP_MESH_AUTH_TOKENS: " a, b ,," }, { tokens: ["code"] })).toEqual({ tokens: ["a", "b"] });
  expect(
    authFromEnv(
      { MCP_MESH_AUTH_JWKS_URL: "https://idp.test/jwks", MCP_MESH_AUTH_JWT_ISSUER: "https://idp.test" },
      undefined,
    ),
  ).toEqual({ jwt: { jwksUrl: "https://idp.test/jwks", issuer: "https://idp.test" } });
  expect(authFromEnv({}, undefined)).toBeUndefined();
});

it("a consumer's agentToken (MCP_MESH_AGENT_TOKEN) gets it through a protected provider; without it, the call is refused", async () => {
  const mesh = await createTestMesh();
  try {
    const provider = mesh.agent({ name: "guarded-provider", auth: { tokens: ["mesh-token"] } });
    provider.tool({
      name: "secret_op",
      capability: "secret_op",
      handler: (_a, _d, ctx) => ctx.auth?.subject ?? "none",
    });
    const withToken = mesh.agent({ name: "trusted", agentToken: "mesh-token" });
    withToken.tool({
      name: "go",
      dependencies: { op: "secret_op" },
      handler: async (_a, { op }) => op?.() ?? "unresolved",
    });
    const without = mesh.agent({ name: "untrusted" });
    without.tool({
      name: "go2",
      dependencies: { op: "secret_op" },
      handler: async (_a, { op }) => {
        try {
          return await (op?.() ?? "unresolved");
        } catch (e) {
          return `refused: ${(e as Error).message}`;
        }
      },
    });
    await mesh.start();
    expect(await withToken.callLocal("go")).toBe("token:0");
    const refused = String(await without.callLocal("go2"));
    expect(refused).toMatch(/^refused: .*401|Unauthorized/);
    expect(refused).not.toContain("mesh-token");
  } finally {
    await mesh.close();
  }
});
