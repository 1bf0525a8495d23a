// Our agents and meshctl against a registry with a token: they send MCP_MESH_REGISTRY_TOKEN and
// keep working; without it meshctl gets one clear line naming the variable; `meshctl token`
// prints a token that turns auth on.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, fixture, meshctl, show, startForeground, waitFor } from "../../packages/cli/test/meshctl-process.js";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

let dir: string;
let reg: AuthRegistry;
let token: string;
let agent: Awaited<ReturnType<typeof startForeground>> | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-token-"));
  const printed = await meshctl(["token"], baseEnv(dir));
  expect(printed.code, show(printed)).toBe(0);
  const line = /^export MCP_MESH_REGISTRY_TOKEN=(\S+)$/m.exec(printed.stdout);
  expect(line, show(printed)).not.toBeNull();
  token = line?.[1] ?? "";
  reg = await startAuthRegistry(join(dir, "reg.db"), { MCP_MESH_REGISTRY_TOKEN: token });
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a mesh with a registry token", () => {
  it("meshctl token prints a fresh token each time", async () => {
    const again = await meshctl(["token", "--quiet"], baseEnv(dir));
    expect(again.stdout.trim()).toMatch(/^mesh_[A-Za-z0-9_-]{43}$/);
    expect(again.stdout.trim()).not.toBe(token);
  });

  it("our agent registers with the token and meshctl lists and calls it through /proxy", async () => {
    const env = baseEnv(dir, { MCP_MESH_REGISTRY_TOKEN: token, MCP_MESH_REGISTRY_URL: reg.url });
    agent = await startForeground([fixture("greeter.ts")], env);
    const listed = await waitFor(
      async () => {
        const r = await meshctl(["list", "--json"], env);
        return r.code === 0 && r.stdout.includes("greeter") ? r : undefined;
      },
      20_000,
      "greeter listed",
    );
    expect(listed.stdout).toContain("greeter");
    const called = await meshctl(["call", "greet", '{"who":"token"}'], env);
    expect(called.code, show(called)).toBe(0);
    expect(called.stdout).toContain("Hello token");
  }, 60_000);

  it("meshctl without the token gets one clear line naming MCP_MESH_REGISTRY_TOKEN", async () => {
    const r = await meshctl(["list"], baseEnv(dir, { MCP_MESH_REGISTRY_URL: reg.url }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("401");
    expect(r.stderr).toContain("MCP_MESH_REGISTRY_TOKEN");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
