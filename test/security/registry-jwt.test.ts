// JWT bearer tokens against a JWKS the test serves on loopback: valid, expired, wrong audience,
// wrong key, another subject's agent, and capability scopes from the `mesh_capabilities` claim.
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AuthRegistry, agentRegistration, startAuthRegistry } from "./registry-process.js";

const ISSUER = "https://issuer.test";
const AUDIENCE = "mcp-mesh-registry";
let dir: string;
let reg: AuthRegistry;
let jwks: http.Server;
let key: CryptoKey;
let strangerKey: CryptoKey;

async function sign(claims: JWTPayload, opts: { exp?: string | number; aud?: string; with?: CryptoKey } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: "k1" })
    .setIssuer(ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? "5m")
    .sign(opts.with ?? key);
}

const registration = (id: string, capability: string) => agentRegistration(id, capability);

async function post(token: string, body: unknown) {
  const res = await fetch(`${reg.url}/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, error: res.status === 200 ? "" : String((await res.json()).error), res };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-jwt-"));
  const pair = await generateKeyPair("ES256");
  key = pair.privateKey;
  strangerKey = (await generateKeyPair("ES256")).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  jwks = http.createServer((_req, res) =>
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [jwk] })),
  );
  await new Promise<void>((r) => jwks.listen(0, "127.0.0.1", r));
  reg = await startAuthRegistry(join(dir, "reg.db"), {
    MCP_MESH_REGISTRY_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`,
    MCP_MESH_REGISTRY_JWT_ISSUER: ISSUER,
    MCP_MESH_REGISTRY_JWT_AUDIENCE: AUDIENCE,
  });
}, 30_000);

afterAll(async () => {
  await reg?.stop();
  await new Promise<void>((r) => jwks?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe("registry with JWTs", () => {
  it("accepts a valid JWT and refuses expired, wrong-audience and foreign-key ones with 401", async () => {
    expect((await post(await sign({ sub: "agent-a" }), registration("jwt-a", "weather"))).status).toBe(200);
    const expired = await post(await sign({ sub: "agent-a" }, { exp: Math.floor(Date.now() / 1000) - 60 }), {});
    expect(expired.status).toBe(401);
    expect(expired.error).toContain("expired");
    expect(expired.res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrongAud = await post(await sign({ sub: "agent-a" }, { aud: "someone-else" }), {});
    expect(wrongAud.status).toBe(401);
    expect(wrongAud.error).toContain("aud");
    const forged = await post(await sign({ sub: "agent-a" }, { with: strangerKey }), {});
    expect(forged.status).toBe(401);
    const noToken = await fetch(`${reg.url}/agents`);
    expect(noToken.status).toBe(401);
  });

  it("keeps an agent its subject's: another subject cannot take it over or delete it", async () => {
    expect((await post(await sign({ sub: "owner" }), registration("jwt-owned", "news"))).status).toBe(200);
    const other = await sign({ sub: "intruder" });
    expect((await post(other, registration("jwt-owned", "news"))).status).toBe(403);
    const del = await fetch(`${reg.url}/agents/jwt-owned`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${other}` },
    });
    expect(del.status).toBe(403);
  });

  it("limits capabilities to the mesh_capabilities claim", async () => {
    const billing = await sign({ sub: "billing", mesh_capabilities: ["billing_*"] });
    const refused = await post(billing, registration("jwt-llm", "llm"));
    expect(refused.status).toBe(403);
    expect(refused.error).toContain("llm");
    expect((await post(billing, registration("jwt-bill", "billing_invoice"))).status).toBe(200);
  });
});
