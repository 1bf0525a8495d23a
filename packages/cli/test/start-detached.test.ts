// meshctl as a user runs it, as real processes: `start --detach` brings up a registry and two
// TypeScript agents, `list --json` shows them, `status` explains the wiring, `call` returns the
// tool's result, `logs` shows a log, `stop` leaves no process behind; bad input gets its
// documented one-line error and exit code.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import { baseEnv, fixture, isAlive, killQuietly, meshctl, missingBuild, show, waitFor } from "./meshctl-process.js";

describeWithPrerequisites("meshctl start --detach, list, status, call, logs, stop", missingBuild(), () => {
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  let registry = "";
  const pids = new Set<number>();

  function recordedPids(): number[] {
    const dir = join(home, "run");
    return readdirSync(dir).map((f) => (JSON.parse(readFileSync(join(dir, f), "utf8")) as { pid: number }).pid);
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-home-"));
    const port = await freePort();
    registry = `http://127.0.0.1:${port}`;
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: registry });
    const r = await meshctl(["start", fixture("date-agent.ts"), fixture("greeter.ts"), "--detach"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/registry: started/);
    expect(r.stderr).toMatch(/date-agent registered as date-agent-[0-9a-f]{8}/);
    expect(r.stderr).toMatch(/greeter registered as greeter-[0-9a-f]{8}/);
    for (const pid of recordedPids()) pids.add(pid);
    // Registered is not yet wired: greeter learns of date-agent on the watch stream, a moment later.
    await waitFor(
      async () => {
        const l = await meshctl(["list", "--json"], env);
        const agents = l.code === 0 ? (JSON.parse(l.stdout) as { agents: Array<Record<string, any>> }).agents : [];
        return agents.find((a) => a.name === "greeter")?.dependencies_resolved === 1 ? true : undefined;
      },
      15_000,
      "greeter to be wired to date-agent",
    );
    // The registry's counters move at its commit; greeter applies the pushed wiring a moment
    // after: wait until its own calls use date-agent.
    await waitFor(
      async () => {
        const c = await meshctl(["call", "greet", '{"who": "warm-up"}'], env);
        return c.code === 0 && JSON.parse(c.stdout).date !== null ? true : undefined;
      },
      15_000,
      "greeter's calls to reach date-agent",
    );
  });

  afterAll(async () => {
    if (home) await meshctl(["stop", "--timeout", "3"], env);
    for (const pid of pids) killQuietly(pid, "SIGKILL");
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("list --json shows both agents, healthy, with their wiring counters", async () => {
    const r = await meshctl(["list", "--json"], env);
    expect(r.code, show(r)).toBe(0);
    const body = JSON.parse(r.stdout) as { registry: string; agents: Array<Record<string, any>> };
    expect(body.registry).toBe(registry);
    const byName = Object.fromEntries(body.agents.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(["date-agent", "greeter"]);
    expect(byName.greeter?.status).toBe("healthy");
    expect(byName.greeter?.total_dependencies).toBe(2);
    expect(byName.greeter?.dependencies_resolved).toBe(1);
  });

  it("list prints a table a person can read, without colour codes when piped", async () => {
    const r = await meshctl(["list"], { ...env, NO_COLOR: undefined });
    expect(r.code, show(r)).toBe(0);
    const header = r.stdout.split("\n")[0] ?? "";
    expect(header.split(/\s{2,}/)).toEqual(["NAME", "STATUS", "DEPS", "ENDPOINT", "LAST SEEN", "AGE", "CAPABILITIES"]);
    expect(r.stdout).toMatch(/greeter-[0-9a-f]{8}\s+healthy\s+1\/2\s+127\.0\.0\.1:\d+/);
    expect(r.stdout.includes(String.fromCharCode(27))).toBe(false);
  });

  it("call goes through the registry proxy and prints the tool's JSON result", async () => {
    const r = await meshctl(["call", "greet", '{"who": "Ada"}'], env);
    expect(r.code, show(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ greeting: "Hello Ada", date: "2026-01-02 in UTC" });
    const raw = await meshctl(["call", "greeter:greet", "--raw", "--direct"], env);
    expect(raw.code, show(raw)).toBe(0);
    expect(JSON.parse(raw.stdout).content[0].type).toBe("text");
  });

  it("status names the provider of each dependency, and why the other is unresolved", async () => {
    const r = await meshctl(["status", "greeter"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/Dependencies \(1\/2 resolved\)/);
    expect(r.stdout).toMatch(/greet → date_service.*✓ date-agent-[0-9a-f]{8}:get_date/);
    expect(r.stdout).toMatch(/greet → weather_service: ✗ unresolved/);
    expect(r.stdout).toMatch(/no registered agent provides 'weather_service'/);
  });

  it("events tell why date_service went to date-agent", async () => {
    const r = await meshctl(["events", "--agent", "greeter", "--type", "dependency_resolved"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/greet\[0\] date_service tags=\["system"\] → date-agent-[0-9a-f]{8}:get_date/);
  });

  it("logs shows an agent's log from $MCP_MESH_HOME/logs", async () => {
    const r = await meshctl(["logs", "greeter", "-n", "50"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/INFO {2}agent started/);
  });

  it("bad input: one line on stderr and the documented exit code", async () => {
    const cases: Array<[string[], number, RegExp]> = [
      [["call", "greet", "{bad"], 2, /the arguments is not valid JSON .*pass an object/],
      [["call", "greet", "[1]"], 2, /must be a JSON object, got an array/],
      [["call", "great"], 4, /no healthy agent offers a tool 'great' \(did you mean 'greet'\?\)/],
      [["call", "fail"], 1, /tool 'fail' returned an error: this tool always fails/],
      [
        ["call", "greet", "--registry-url", "http://127.0.0.1:1"],
        3,
        /cannot reach the registry at http:\/\/127\.0\.0\.1:1/,
      ],
      [["list", "--bogus"], 2, /unknown option --bogus for 'meshctl list'/],
      [["stop", "nobody"], 4, /no detached agent named 'nobody' \(running: /],
      [["start", "missing.ts"], 2, /no such file or directory: missing\.ts/],
    ];
    for (const [args, code, message] of cases) {
      const r = await meshctl(args, env);
      expect(r.code, `${args.join(" ")}\n${show(r)}`).toBe(code);
      expect(r.stderr.trim().split("\n"), show(r)).toHaveLength(1);
      expect(r.stderr, show(r)).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  it("stop ends every process it started and leaves no record behind", async () => {
    const before = recordedPids();
    expect(before.length).toBe(3); // the background meshctl (with the registry) and two agents
    const r = await meshctl(["stop"], env);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/stopped greeter/);
    for (const pid of before) expect(isAlive(pid), `pid ${pid}`).toBe(false);
    expect(readdirSync(join(home, "run"))).toEqual([]);
    const list = await meshctl(["list"], env);
    expect(list.code).toBe(3);
  });
});
