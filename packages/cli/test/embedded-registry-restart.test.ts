// The registry `meshctl start` embeds keeps its database in $MCP_MESH_HOME. After a run is
// stopped abruptly (meshctl killed: its agents die without unregistering), the next start must
// not show that run's agents as healthy (nor offer them as providers); an agent that is in fact
// still alive, of another meshctl, is healthy again once it heartbeats. Real processes.
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import {
  baseEnv,
  fixture,
  isAlive,
  killQuietly,
  meshctl,
  missingBuild,
  processesMentioning,
  show,
  startForeground,
  waitFor,
} from "./meshctl-process.js";

describeWithPrerequisites("meshctl start: the embedded registry after an abrupt stop", missingBuild(), () => {
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  const running: Array<{ stop(signal?: NodeJS.Signals): Promise<number | null> }> = [];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-restart-"));
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
  });
  afterAll(async () => {
    for (const m of running) await m.stop("SIGKILL");
    for (const pid of processesMentioning(home)) killQuietly(pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  const agents = async () => {
    const l = await meshctl(["list", "--json", "--all"], env);
    expect(l.code, show(l)).toBe(0);
    return (JSON.parse(l.stdout) as { agents: Array<{ id: string; status: string }> }).agents;
  };
  const idOf = (stderr: string) => /registered as (\S+-[0-9a-f]{8})/.exec(stderr)?.[1] as string;

  it("a killed run's agents are not healthy in the next start; a live agent comes back", async () => {
    const deadFile = join(home, "date-agent.ts");
    copyFileSync(fixture("date-agent.ts"), deadFile);
    // Run 1: embedded registry (database in $MCP_MESH_HOME) and an agent; then kill -9 meshctl.
    const first = await startForeground([deadFile], env);
    const dead = idOf(first.output().stderr);
    const deadPids = processesMentioning(deadFile).filter((p) => p !== first.pid);
    await first.stop("SIGKILL");
    await waitFor(() => (deadPids.some(isAlive) ? undefined : true), 10_000, "run 1's agent to exit");

    // Run 2, on the same database, at once: run 1's agent is not healthy.
    const second = await startForeground([], env);
    running.push(second);
    expect(second.output().stderr).toMatch(/registry: started/);
    expect((await agents()).find((a) => a.id === dead)?.status).toBe("unhealthy");

    // An agent of another meshctl outlives the registry's host; after a restart it is healthy
    // again once it heartbeats.
    const liveFile = join(home, "greeter.ts");
    copyFileSync(fixture("greeter.ts"), liveFile);
    const other = await startForeground([liveFile], env);
    running.push(other);
    expect(other.output().stderr).toMatch(/registry: using/);
    const live = idOf(other.output().stderr);
    await second.stop("SIGKILL");
    const third = await startForeground([], env);
    running.push(third);
    const statuses = await waitFor(
      async () => {
        const now = await agents();
        return now.find((a) => a.id === live)?.status === "healthy" ? now : undefined;
      },
      20_000,
      "the live agent to be healthy again",
    );
    expect(statuses.find((a) => a.id === dead)?.status).toBe("unhealthy");
  });
});
