// Our agents against the REFERENCE registry (MCP Mesh 3.7.1 binary): they register, one resolves
// the other by polling (no watch stream there), and the reference `meshctl call` reaches our
// tool through the registry's /proxy. Under CI=true missing binaries fail (prerequisites.ts).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { missingReferenceBinaries, referenceBinary, startReferenceRegistry } from "../../../test/interop/reference.js";
import { type AgentProcess, callText, startAgentProcess, waitFor } from "./agent-processes.js";

const missing = missingReferenceBinaries("mcp-mesh-registry", "meshctl");

describeWithPrerequisites("our agents with the reference registry and meshctl", missing, () => {
  let registry: RegistryProcess;
  const procs: AgentProcess[] = [];
  let home = "";

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "sdk-meshctl-home-"));
    registry = await startReferenceRegistry();
  });
  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.kill()));
    await registry?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  const start = async (file: string, env: Record<string, string>) => {
    const p = await startAgentProcess(file, {
      MCP_MESH_REGISTRY_URL: registry.url,
      MCP_MESH_HEALTH_INTERVAL: "1",
      ...env,
    });
    procs.push(p);
    return p;
  };

  it("registers, resolves one agent to the other, re-wires on departure, and answers meshctl call", async () => {
    const provider = await start("provider.mjs", { AGENT_NAME: "ref-date", REPLY: "refdate" });
    const consumer = await start("consumer.mjs", { AGENT_NAME: "ref-greeter" });
    await waitFor(
      async () => ((await callText(consumer.url, "hello")).includes("refdate:") ? true : undefined),
      8000,
      "consumer wired through the reference registry",
    );
    expect(await callText(consumer.url, "hello", { who: "Ref" })).toBe("Hello Ref! refdate:CET");

    const agents = (await (await fetch(`${registry.url}/agents`)).json()) as {
      agents: { id: string; status: string; runtime: string }[];
    };
    const ours = agents.agents.filter((a) => a.id === provider.agentId || a.id === consumer.agentId);
    expect(ours.map((a) => [a.status, a.runtime])).toEqual([
      ["healthy", "typescript"],
      ["healthy", "typescript"],
    ]);

    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
      execFile(
        referenceBinary("meshctl"),
        ["call", "get_date", '{"tz":"Mars"}', "--registry-url", registry.url],
        { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1" }, timeout: 20_000, cwd: home },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
      ),
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).content).toEqual([{ type: "text", text: "refdate:Mars" }]);

    await provider.stop(); // DELETE → the reference answers the consumer's next HEAD with 202
    await waitFor(
      async () => ((await callText(consumer.url, "hello")).includes("no date service") ? true : undefined),
      5000,
      "fallback",
    );
  }, 40_000);
});
