// meshctl start --watch as a real process: editing one agent's file restarts that agent (a new
// process and agent id, serving the new code) and only that agent; the other agent started with
// it keeps its process and id. SIGTERM then leaves nothing running.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

describeWithPrerequisites("meshctl start --watch", missingBuild(), () => {
  let home = "";
  const pids = new Set<number>();
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "meshctl-watch-"));
  });
  afterAll(() => {
    for (const pid of pids) killQuietly(pid, "SIGKILL");
    if (home) for (const pid of processesMentioning(home)) killQuietly(pid, "SIGKILL");
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("restarts only the agent whose file changed, serving the new code; SIGTERM leaves nothing", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    // Both agents in one folder (one watch), a folder no other test's processes mention.
    const dir = join(home, "agents");
    mkdirSync(dir);
    const versioned = join(dir, "versioned.ts");
    const other = join(dir, "date-agent.ts");
    copyFileSync(fixture("versioned.ts"), versioned);
    copyFileSync(fixture("date-agent.ts"), other);
    const agentPids = (file: string) => processesMentioning(file).filter((pid) => pid !== mesh.pid);
    const idsOf = (name: string) =>
      [...mesh.output().stderr.matchAll(new RegExp(`${name} registered as (${name}-[0-9a-f]{8})`, "g"))].map(
        (m) => m[1],
      );
    const callVersion = async () => {
      const r = await meshctl(["call", "get_version"], env);
      return r.code === 0 ? r.stdout.trim() : undefined;
    };

    const mesh = await startForeground([versioned, other, "--watch", "--db-path", ":memory:"], env);
    pids.add(mesh.pid);
    try {
      expect(mesh.output().stderr).toMatch(/mesh ready\. Watching for changes\./);
      const [firstId] = idsOf("versioned");
      const [otherId] = idsOf("date-agent");
      expect(firstId).toBeDefined();
      expect(otherId).toBeDefined();
      const [firstPid] = agentPids(versioned);
      const [otherPid] = agentPids(other);
      expect(agentPids(versioned)).toHaveLength(1);
      expect(agentPids(other)).toHaveLength(1);
      for (const pid of [firstPid, otherPid]) if (pid) pids.add(pid);
      expect(await callVersion()).toBe("v1");

      const source = readFileSync(versioned, "utf8");
      const v2 = source.replace('=> "v1"', '=> "v2"');
      expect(v2).not.toBe(source);
      const edited = Date.now();
      writeFileSync(versioned, v2);
      await waitFor(
        async () => ((await callVersion()) === "v2" ? true : undefined),
        15_000,
        "get_version to say v2",
      ).catch((e: Error) => {
        throw new Error(
          `${e.message}\n--- meshctl stderr\n${mesh.output().stderr}\n--- stdout\n${mesh.output().stdout}`,
        );
      });
      const secondId = await waitFor(() => idsOf("versioned")[1], 5_000, "versioned to register again");
      const restartMs = Date.now() - edited;

      const { stderr } = mesh.output();
      expect(stderr).toMatch(/versioned\.ts changed: restarting versioned$/m);
      expect(stderr).not.toMatch(/restarting .*date-agent/);
      expect(secondId).not.toBe(firstId);
      expect(idsOf("versioned")).toHaveLength(2);
      // The old process is gone, one new one serves; the other agent kept its process and id.
      expect(isAlive(firstPid ?? -1), `old versioned pid ${firstPid}`).toBe(false);
      const restarted = agentPids(versioned);
      expect(restarted).toHaveLength(1);
      expect(restarted[0]).not.toBe(firstPid);
      for (const pid of restarted) pids.add(pid);
      expect(agentPids(other)).toEqual([otherPid]);
      expect(idsOf("date-agent")).toEqual([otherId]);
      // The registry agrees: the old versioned left (it unregistered), date-agent is the same one.
      const list = await meshctl(["list", "--json"], env);
      expect(list.code, show(list)).toBe(0);
      const ids = (JSON.parse(list.stdout) as { agents: Array<{ id: string }> }).agents.map((a) => a.id).sort();
      expect(ids).toEqual([otherId, secondId].sort());
      expect(restartMs).toBeLessThan(15_000);

      expect(await mesh.stop("SIGTERM")).toBe(0);
      for (const pid of [mesh.pid, otherPid ?? -1, ...restarted]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
      expect(processesMentioning(dir)).toEqual([]);
    } finally {
      await mesh.stop("SIGKILL");
    }
  });
});
