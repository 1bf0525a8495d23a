// An agent that listens on another port than the one it asked for says so in its log; `meshctl
// start` repeats it as a warning naming the agent, in the foreground and under --detach, where
// the log is not on the screen.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import { baseEnv, fixture, meshctl, missingBuild, show, startForeground } from "./meshctl-process.js";

describeWithPrerequisites("meshctl start: a requested port that was not available", missingBuild(), () => {
  let home = "";
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "meshctl-port-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const warning = /^! moved-port: requested port 8080 is busy; listening on 8081 instead$/m;

  it("foreground: a warning line on stderr, besides the agent's own log line", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const mesh = await startForeground([fixture("moved-port.ts"), "--db-path", ":memory:"], env);
    try {
      expect(mesh.output().stderr).toMatch(warning);
      expect(mesh.output().stdout).toMatch(/moved-port +\| WARN {2}requested port 8080 is busy/);
    } finally {
      expect(await mesh.stop("SIGTERM")).toBe(0);
    }
  });

  it("--detach: the same warning in what start prints", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const r = await meshctl(["start", fixture("moved-port.ts"), "--detach", "--db-path", ":memory:"], env);
      expect(r.code, show(r)).toBe(0);
      expect(r.stderr, show(r)).toMatch(warning);
    } finally {
      await meshctl(["stop", "--force"], env);
    }
  });
});
