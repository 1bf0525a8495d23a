// Two detached replicas of one agent, as real processes: each has its own log, named by its agent
// id. Starting the second leaves the first's log alone, `logs <id>` is exactly that replica,
// `logs <name>` is both with each line prefixed by its id, -f follows both, and a stopped
// replica's last lines stay in its own log.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import {
  baseEnv,
  fixture,
  killQuietly,
  MESHCTL,
  meshctl,
  missingBuild,
  processesMentioning,
  show,
  waitFor,
} from "./meshctl-process.js";

describeWithPrerequisites("meshctl logs of replicas", missingBuild(), () => {
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  let dir = "";
  let follower: ChildProcess | undefined;
  /** agent id → its endpoint's port, which only its own log mentions. */
  const replicas = new Map<string, string>();

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-replicas-"));
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    dir = join(home, "agents");
    mkdirSync(dir);
    copyFileSync(fixture("date-agent.ts"), join(dir, "date-agent.ts"));
    for (let i = 0; i < 2; i++) {
      const r = await meshctl(["start", join(dir, "date-agent.ts"), "--detach"], env);
      expect(r.code, show(r)).toBe(0);
      const [, id, port] = /registered as (date-agent-[0-9a-f]{8}) at http:\/\/127\.0\.0\.1:(\d+)/.exec(r.stderr) ?? [];
      expect(id, show(r)).toBeDefined();
      replicas.set(id as string, port as string);
    }
  });

  afterAll(async () => {
    if (follower?.pid !== undefined) killQuietly(follower.pid, "SIGKILL");
    if (home) await meshctl(["stop", "--force"], env);
    if (dir) for (const pid of processesMentioning(dir)) killQuietly(pid, "SIGKILL");
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("each replica has its own log, named by its agent id; logs <id> is that one only", async () => {
    const [[a, portA], [b, portB]] = [...replicas];
    expect(readdirSync(join(home, "logs", "date-agent")).sort()).toEqual([`${a}.log`, `${b}.log`].sort());
    const ra = await meshctl(["logs", a as string, "-n", "0"], env);
    expect(ra.code, show(ra)).toBe(0);
    expect(ra.stdout).toMatch(new RegExp(`INFO  agent started .*127\\.0\\.0\\.1:${portA}`));
    expect(ra.stdout).not.toContain(`:${portB}`);
    // A unique prefix of the id works too.
    const rb = await meshctl(["logs", (b as string).slice(0, -2), "-n", "0"], env);
    expect(rb.code, show(rb)).toBe(0);
    expect(rb.stdout).toContain(`:${portB}`);
    expect(rb.stdout).not.toContain(`:${portA}`);
  });

  it("logs <name> shows every replica, each line prefixed with its agent id", async () => {
    const r = await meshctl(["logs", "date-agent", "-n", "0"], env);
    expect(r.code, show(r)).toBe(0);
    const lines = r.stdout.trim().split("\n");
    for (const [id, port] of replicas) {
      expect(
        lines.some((l) => l.startsWith(`${id} | `) && l.includes(`:${port}`)),
        r.stdout,
      ).toBe(true);
    }
    expect(
      lines.every((l) => /^date-agent-[0-9a-f]{8} \| /.test(l)),
      r.stdout,
    ).toBe(true);
  });

  it("-f follows every replica; a stopped replica's last lines stay in its own log", async () => {
    const [[a], [b, portB]] = [...replicas];
    const child = spawn(process.execPath, [MESHCTL, "logs", "date-agent", "-f", "-n", "1"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    follower = child;
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    await waitFor(() => (stdout.includes(`${a} | `) && stdout.includes(`${b} | `) ? true : undefined), 10_000, "tail");
    const before = readFileSync(join(home, "logs", "date-agent", `${b}.log`), "utf8");

    const stopped = await meshctl(["stop", a as string], env);
    expect(stopped.code, show(stopped)).toBe(0);
    // The follower prints the stopped replica's last line, under its own id.
    await waitFor(
      () => (new RegExp(`^${a} \\| .*agent stopped`, "m").test(stdout) ? true : undefined),
      10_000,
      `the follower to print ${a}'s last line\n${stdout}`,
    );
    const ownLog = readFileSync(join(home, "logs", "date-agent", `${a}.log`), "utf8");
    expect(ownLog).toMatch(/agent stopped/);
    // Nothing of a's landed in b's log.
    const after = readFileSync(join(home, "logs", "date-agent", `${b}.log`), "utf8");
    expect(after.slice(before.length)).not.toMatch(/agent stopped/);
    expect(after).toContain(`:${portB}`);
    child.kill("SIGINT");
  });
});
