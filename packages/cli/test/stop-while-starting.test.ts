// `meshctl stop <name>` while `meshctl start --detach` is still waiting for that agent to
// register: the agent's process is found (its run record exists from the moment it is spawned,
// not from its registration) and stopped, and the waiting start reports it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import {
  baseEnv,
  fixture,
  isAlive,
  killQuietly,
  MESHCTL,
  meshctl,
  missingBuild,
  show,
  waitFor,
} from "./meshctl-process.js";

describeWithPrerequisites("meshctl stop while an agent is starting", missingBuild(), () => {
  const home = mkdtempSync(join(tmpdir(), "meshctl-stop-starting-"));
  const marker = join(home, "slow-start.pid");
  let startPid: number | undefined;
  afterAll(async () => {
    await meshctl(["stop", "--timeout", "3"], baseEnv(home)).catch(() => undefined);
    if (startPid !== undefined) killQuietly(startPid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  it("finds and stops the agent before it has registered", async () => {
    const env = baseEnv(home, {
      MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}`,
      SLOW_START_MARKER: marker,
    });
    const start = spawn(
      process.execPath,
      [MESHCTL, "start", fixture("slow-start.ts"), "--detach", "--db-path", ":memory:"],
      {
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    startPid = start.pid;
    let stderr = "";
    start.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((r) => start.once("exit", (code) => r(code)));
    const agentPid = await waitFor(
      () => (existsSync(marker) ? Number(readFileSync(marker, "utf8")) : undefined),
      30_000,
      "the slow agent's process",
    );
    expect(isAlive(agentPid)).toBe(true);

    const stopped = await meshctl(["stop", "slow-start", "--timeout", "3"], env);
    expect(stopped.code, show(stopped)).toBe(0);
    await waitFor(() => (isAlive(agentPid) ? undefined : true), 10_000, "the slow agent to be gone");
    // The start that was waiting for it does not report the mesh as up.
    expect(await exited, stderr).not.toBe(0);
    expect(stderr).toMatch(/slow-start/);
  });
});
