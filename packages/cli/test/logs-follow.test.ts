// meshctl logs <agent> -f as a real process against a detached run: it prints the tail, then
// each line the agent logs afterwards (here greeter's re-wiring when its provider stops), and
// stops on Ctrl-C; `meshctl stop` then leaves no process behind.
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
  isAlive,
  killQuietly,
  MESHCTL,
  meshctl,
  missingBuild,
  processesMentioning,
  show,
  waitFor,
} from "./meshctl-process.js";

describeWithPrerequisites("meshctl logs -f", missingBuild(), () => {
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  let dir = "";
  const pids = new Set<number>();
  let follower: ChildProcess | undefined;

  const recordedPids = () =>
    readdirSync(join(home, "run")).map(
      (f) => (JSON.parse(readFileSync(join(home, "run", f), "utf8")) as { pid: number }).pid,
    );

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-logs-"));
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    // Copies in a folder of their own: a path no other test's processes mention.
    dir = join(home, "agents");
    mkdirSync(dir);
    for (const name of ["date-agent.ts", "greeter.ts"]) copyFileSync(fixture(name), join(dir, name));
    const r = await meshctl(["start", join(dir, "date-agent.ts"), join(dir, "greeter.ts"), "--detach"], env);
    expect(r.code, show(r)).toBe(0);
    for (const pid of recordedPids()) pids.add(pid);
  });

  afterAll(async () => {
    if (follower?.pid !== undefined) killQuietly(follower.pid, "SIGKILL");
    if (home) await meshctl(["stop", "--force"], env);
    for (const pid of pids) killQuietly(pid, "SIGKILL");
    if (dir) for (const pid of processesMentioning(dir)) killQuietly(pid, "SIGKILL");
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("prints lines the agent logs after it started, until Ctrl-C; stop leaves nothing", async () => {
    // greeter is wired to date-agent (its log says so) before the follower starts.
    const rewired = /re-wired greet\.date \(date_service\): (\S+) -> (\S+)/g;
    // One process, one log: logs/greeter/<its agent id>.log.
    const greeterDir = join(home, "logs", "greeter");
    const greeterLog = () => {
      const files = readdirSync(greeterDir);
      expect(files).toEqual([expect.stringMatching(/^greeter-[0-9a-f]{8}\.log$/)]);
      return readFileSync(join(greeterDir, files[0] as string), "utf8");
    };
    await waitFor(() => ([...greeterLog().matchAll(rewired)].length === 1 ? true : undefined), 15_000, "wiring");

    const child = spawn(process.execPath, [MESHCTL, "logs", "greeter", "-f", "-n", "0"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    follower = child;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const seen = () => `--- follower stdout\n${stdout}\n--- stderr\n${stderr}`;
    // -n 0: the whole log so far, then new lines as they come.
    await waitFor(() => (/INFO {2}agent started/.test(stdout) ? true : undefined), 10_000, "the log so far");
    expect(
      [...stdout.matchAll(rewired)].map((m) => m[2]),
      seen(),
    ).toEqual([expect.stringMatching(/^http:/)]);

    // date-agent leaves: greeter logs its un-wiring, and the follower prints it.
    const stopped = await meshctl(["stop", "date-agent"], env);
    expect(stopped.code, show(stopped)).toBe(0);
    const shownAt = Date.now();
    await waitFor(
      () => ([...stdout.matchAll(rewired)].length === 2 ? true : undefined),
      10_000,
      `the follower to print greeter's new line\n${seen()}`,
    );
    const latencyMs = Date.now() - shownAt;
    const lines = [...stdout.matchAll(rewired)];
    expect(lines[1]?.[1]).toBe(lines[0]?.[2]);
    expect(lines[1]?.[2]).toBe("none");
    // Printed once, whole: the follower's output is exactly the file's content, each line
    // prefixed with the agent id.
    await new Promise((r) => setTimeout(r, 600));
    const id = readdirSync(greeterDir)[0]?.replace(/\.log$/, "");
    const prefixed = greeterLog()
      .split("\n")
      .slice(0, -1)
      .map((l) => `${id} | ${l}\n`)
      .join("");
    expect(stdout).toBe(prefixed);
    expect(latencyMs).toBeLessThan(10_000);

    // Ctrl-C ends the follower, with exit code 0.
    child.kill("SIGINT");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("still running"), 5_000))]);
    expect(code, seen()).toBe(0);
    expect(isAlive(child.pid ?? -1)).toBe(false);

    const before = recordedPids();
    const r = await meshctl(["stop"], env);
    expect(r.code, show(r)).toBe(0);
    for (const pid of [...pids, ...before]) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);
    expect(readdirSync(join(home, "run"))).toEqual([]);
  });
});
