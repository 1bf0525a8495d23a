// The reference meshctl (3.7.1) against our registry: with auth off it lists as before; with a
// token on the registry it gets a 401 it reports (it does not send MCP_MESH_REGISTRY_TOKEN).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { missingReferenceBinaries, referenceBinary } from "../interop/reference.js";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

const missing = missingReferenceBinaries("meshctl");
const dirs: string[] = [];
const registries: AuthRegistry[] = [];

afterAll(async () => {
  for (const r of registries) await r.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function referenceMeshctl(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      referenceBinary("meshctl"),
      args,
      { timeout: 30_000, env: { PATH: process.env.PATH, HOME: tmpdir() } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

async function registry(env: Record<string, string>): Promise<AuthRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "mesh-refctl-"));
  dirs.push(dir);
  const r = await startAuthRegistry(join(dir, "reg.db"), env);
  registries.push(r);
  return r;
}

async function register(url: string, headers: Record<string, string> = {}) {
  const body = {
    agent_id: "plain-1a2b3c4d",
    name: "plain",
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.0.0",
    http_host: "127.0.0.1",
    http_port: 1,
    namespace: "default",
    tools: [{ function_name: "plain", capability: "plain", version: "1.0.0", inputSchema: { type: "object" } }],
  };
  const res = await fetch(`${url}/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
}

describeWithPrerequisites("reference meshctl against our registry with tokens", missing, () => {
  it("lists agents when auth is off", async () => {
    const r = await registry({});
    await register(r.url);
    const listed = await referenceMeshctl(["list", "--registry-url", r.url]);
    expect(listed.code, listed.out).toBe(0);
    expect(listed.out).toContain("plain");
  }, 60_000);

  it("reports the registry's 401 when a token is required", async () => {
    const token = "reference-token-0123456789";
    const r = await registry({ MCP_MESH_REGISTRY_TOKEN: token });
    await register(r.url, { authorization: `Bearer ${token}` });
    const listed = await referenceMeshctl(["list", "--registry-url", r.url]);
    expect(listed.out).toContain("401");
    expect(listed.out).not.toContain("plain-1a2b3c4d");
    const status = await referenceMeshctl(["status", "--registry-url", r.url]);
    expect(status.code).not.toBe(0);
    expect(status.out).toContain("401");
  }, 60_000);
});
