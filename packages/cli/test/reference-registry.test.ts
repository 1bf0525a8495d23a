// Our meshctl against the reference registry (MCP Mesh 3.7.1): list, status and call work there
// too, since the wire is the same (it has no GET /agents/{id}, no alternatives, no watch stream).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { missingReferenceBinaries, startReferenceRegistry } from "../../../test/interop/reference.js";
import { baseEnv, fixture, meshctl, missingBuild, show, startForeground, waitFor } from "./meshctl-process.js";

const missing = [...missingBuild(), ...missingReferenceBinaries("mcp-mesh-registry")];

describeWithPrerequisites("our meshctl against the reference registry", missing, () => {
  let registry: RegistryProcess | undefined;
  let mesh: Awaited<ReturnType<typeof startForeground>> | undefined;
  let home = "";
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-ref-"));
    registry = await startReferenceRegistry();
    // The reference registry has no watch stream: agents learn of new providers on their next
    // heartbeat (a 202), so heartbeat every second rather than every five.
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" });
    // meshctl start finds the reference registry answering and starts no registry of its own.
    mesh = await startForeground([fixture("date-agent.ts"), fixture("greeter.ts")], env);
    expect(mesh.output().stderr).toMatch(/registry: using/);
    // Registered is not yet wired when greeter registered before date-agent did.
    await waitFor(
      async () => {
        const r = await meshctl(["list", "--json"], env);
        const agents = r.code === 0 ? (JSON.parse(r.stdout) as { agents: Array<Record<string, any>> }).agents : [];
        return agents.find((a) => a.name === "greeter")?.dependencies_resolved === 1 ? true : undefined;
      },
      20_000,
      "greeter to be wired to date-agent",
    );
  });

  afterAll(async () => {
    await mesh?.stop();
    await registry?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("list --json", async () => {
    const r = await meshctl(["list", "--json"], env);
    expect(r.code, show(r)).toBe(0);
    const names = (JSON.parse(r.stdout) as { agents: Array<{ name: string }> }).agents.map((a) => a.name).sort();
    expect(names).toEqual(["date-agent", "greeter"]);
  });

  it("status explains the wiring from /agents and the reference's audit events", async () => {
    const r = await meshctl(["status", "greeter"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/greet → date_service.*✓ date-agent-[0-9a-f]{8}:get_date/);
    expect(r.stdout).toMatch(/weather_service: ✗ unresolved/);
  });

  it("call through the reference registry's /proxy", async () => {
    const r = await meshctl(["call", "greet", '{"who": "Grace"}'], env);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ greeting: "Hello Grace", date: "2026-01-02 in UTC" });
  });
});
