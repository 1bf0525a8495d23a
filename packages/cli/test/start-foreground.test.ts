// meshctl start in the foreground: agent logs stream prefixed with the agent's name, Ctrl-C
// (SIGINT/SIGTERM) stops the agents and the embedded registry, and an agent that dies before it
// registers fails the start with one line and exit code 1.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import { main } from "../src/main.js";
import {
  baseEnv,
  fixture,
  isAlive,
  meshctl,
  missingBuild,
  processesMentioning,
  show,
  startForeground,
  waitFor,
} from "./meshctl-process.js";

function capture() {
  let text = "";
  return { sink: { write: (s: string) => (text += s), isTTY: false }, text: () => text };
}

describeWithPrerequisites("meshctl start in the foreground", missingBuild(), () => {
  let home = "";
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "meshctl-fg-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it("runs a registry and an agent, answers calls as functions, and SIGTERM leaves nothing running", async () => {
    const registry = `http://127.0.0.1:${await freePort()}`;
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: registry });
    // A copy outside the repository: no node_modules near it, so @mcp-mesh/sdk and zod must come
    // from meshctl's own install; and a path no other test's processes mention.
    const agentFile = join(home, "date-agent.ts");
    copyFileSync(fixture("date-agent.ts"), agentFile);
    const mesh = await startForeground([agentFile, "--db-path", ":memory:"], env);
    try {
      expect(mesh.output().stdout).toMatch(/date-agent +\| INFO {2}agent started/);
      // meshctl's commands are functions too: run `call` in this process against that mesh.
      const out = capture();
      const err = capture();
      const code = await main(["call", "get_date", '{"tz": "CET"}'], {
        stdout: out.sink,
        stderr: err.sink,
        env: { MCP_MESH_REGISTRY_URL: registry },
        cwd: home,
      });
      expect(code, err.text()).toBe(0);
      expect(out.text()).toBe("2026-01-02 in CET\n");
      const agentPids = processesMentioning(agentFile).filter((pid) => pid !== mesh.pid);
      expect(agentPids).toHaveLength(1);
      expect(await mesh.stop("SIGTERM")).toBe(0);
      for (const pid of [...agentPids, mesh.pid]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
      const after = await meshctl(["list"], env);
      expect(after.code, show(after)).toBe(3);
    } finally {
      await mesh.stop("SIGKILL");
    }
  });

  it("an agent does not outlive a meshctl that is killed outright", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const agentFile = join(home, "orphan-check.ts");
    copyFileSync(fixture("date-agent.ts"), agentFile);
    const mesh = await startForeground([agentFile, "--db-path", ":memory:"], env);
    const agentPids = processesMentioning(agentFile).filter((pid) => pid !== mesh.pid);
    expect(agentPids).toHaveLength(1);
    await mesh.stop("SIGKILL");
    await waitFor(() => (agentPids.some(isAlive) ? undefined : true), 10_000, "the agent to exit");
  });

  it("an agent that dies before registering fails the start: one line, exit 1", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const r = await meshctl(["start", fixture("crashes.ts"), "--db-path", ":memory:"], env);
    expect(r.code, show(r)).toBe(1);
    const lastLine = r.stderr.trim().split("\n").at(-1) ?? "";
    expect(lastLine).toMatch(/^meshctl: crashes \(.*crashes\.ts\) stopped before it registered: .*missing API key/);
  });
});
