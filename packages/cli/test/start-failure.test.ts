// An agent that fails to start, as a user meets it: `meshctl start` names the line that says why
// (the compiler's file:line:col and message, or the thrown error), in the foreground and under
// --detach, where the agent's output is not on the screen.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import { baseEnv, meshctl, missingBuild, show } from "./meshctl-process.js";

describeWithPrerequisites("meshctl start: an agent that fails to start", missingBuild(), () => {
  let home = "";
  let broken = "";
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "meshctl-fail-"));
    broken = join(home, "broken.ts");
    // A missing "}" (column 52 is the ";"), written here: a fixture would not pass the linter.
    writeFileSync(
      broken,
      'import { mesh } from "@mcp-mesh/sdk";\nconst agent = mesh.agent({ name: "x", httpPort: 0 ;\n',
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const useful = /broken\.ts:2:\d+: ERROR: Expected "}" but found ";"/;

  it("foreground: the summary is the compiler's line, not TransformError", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const r = await meshctl(["start", broken, "--db-path", ":memory:"], env);
    expect(r.code, show(r)).toBe(1);
    const last = r.stderr.trim().split("\n").at(-1) ?? "";
    expect(last, show(r)).toMatch(/^meshctl: broken \(.*broken\.ts\) stopped before it registered: /);
    expect(last, show(r)).toMatch(useful);
    expect(r.stderr).not.toMatch(/TransformError/);
  });

  it("--detach: the same line, and where the whole log is", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const r = await meshctl(["start", broken, "--detach", "--db-path", ":memory:"], env);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr, show(r)).toMatch(useful);
    expect(r.stderr).not.toMatch(/see its log above/);
    const log = /full log: (\S+)/.exec(r.stderr)?.[1];
    expect(log, show(r)).toMatch(/logs\/broken\/launch-[\w-]+\.log$/);
    const shown = await meshctl(["logs", "broken", "-n", "0"], env);
    expect(shown.stdout).toMatch(useful);
  });
});
