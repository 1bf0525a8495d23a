// The README's quick start, as a new user runs it: a copy of the repository with nothing built
// (no node_modules, dist or .cache: what `git clone` gives), `npm install`, then `npm run demo`.
// The demo must print the greeting with today's date (a call through the injected date_service
// dependency) and the URLs to try, keep running, and leave no process behind after Ctrl-C
// (SIGINT to its whole process group, as a terminal sends it).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const INSTALL_TIMEOUT_MS = 5 * 60_000;
const GREETING_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 30_000;

/** The files a clone would have: tracked or not ignored, as they are in the working tree. */
function copyRepository(to: string): number {
  let listing: Buffer;
  try {
    listing = execFileSync("git", ["-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    throw new Error(`the quick start test copies the repository with 'git ls-files': ${(e as Error).message}`);
  }
  let copied = 0;
  for (const file of listing.toString("utf8").split("\0").filter(Boolean)) {
    const from = join(ROOT, file);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue; // deleted, or a symlink/submodule
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(from, join(to, file));
    copied++;
  }
  return copied;
}

/** Our environment, minus what would change the demo's output or where it runs. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith("MCP_MESH_") || k === "FORCE_COLOR" || k.startsWith("VITEST") || k === "NODE_OPTIONS") continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => killGroup(child.pid, "SIGKILL"), timeoutMs);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process group and every descendant of `root` (in case one left the group). */
function processTree(root: number): number[] {
  const rows = execFileSync("ps", ["-eo", "pid=,ppid=,pgid="])
    .toString()
    .trim()
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  const tree = new Set(rows.filter(([, , pgid]) => pgid === root).map(([pid]) => pid));
  tree.add(root);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of rows) {
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Today as the system agent formats it in UTC ("Sunday, 22 November 2026"). */
function utcDate(at: Date): string {
  return at.toLocaleDateString("en-GB", { timeZone: "UTC", dateStyle: "full" });
}

async function until<T>(check: () => T | undefined, timeoutMs: number, what: string, log: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; output so far:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the README quick start on a fresh copy of the repository", () => {
  let work = "";
  let demo: ChildProcess | undefined;
  const started: number[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "mesh-quickstart-"));
  });

  afterAll(() => {
    killGroup(demo?.pid, "SIGKILL");
    for (const pid of started) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(work, { recursive: true, force: true });
  });

  it(
    "npm install && npm run demo: greets with today's date, shows what to try, and Ctrl-C leaves nothing running",
    async () => {
      const repo = join(work, "mcp-mesh-ts");
      const copied = copyRepository(repo);
      expect(copied).toBeGreaterThan(50);
      for (const built of ["node_modules", "packages/cli/dist", ".cache"])
        expect(existsSync(join(repo, built))).toBe(false);

      const installStart = Date.now();
      const install = await run("npm", ["install"], repo, userEnv({}), INSTALL_TIMEOUT_MS);
      expect(install.code, install.output.slice(-4000)).toBe(0);
      const installSeconds = (Date.now() - installStart) / 1000;

      // Only what keeps this run apart from others on the machine: its own registry port, state
      // folder and agent ports (0 = any free port; the SDK would also fall back from busy ones).
      const registry = `http://127.0.0.1:${await freePort()}`;
      const env = userEnv({
        MCP_MESH_REGISTRY_URL: registry,
        MCP_MESH_HOME: join(work, "mesh-home"),
        MCP_MESH_HTTP_PORT: "0",
      });
      const day = utcDate(new Date());
      const demoStart = Date.now();
      const child = spawn("npm", ["run", "demo"], {
        cwd: repo,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      demo = child;
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const log = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

      const greeting = await until(
        () => /^ *(Hello .*)$/m.exec(stdout)?.[1],
        GREETING_TIMEOUT_MS,
        "greeting on stdout",
        log,
      );
      const greetingSeconds = (Date.now() - demoStart) / 1000;
      expect(greeting).toMatch(/^Hello you! Today is /);
      // Past midnight UTC during the run, either day is right.
      expect(
        [day, utcDate(new Date())].some((d) => greeting.includes(d)),
        `${greeting} (today: ${day})`,
      ).toBe(true);

      // Then what to try, with URLs that work here, and it keeps running.
      await until(() => (/Ctrl-C stops it/.test(stderr) ? true : undefined), 10_000, "end of the lines to try", log);
      expect(stderr).toContain(`npx meshctl call hello_mesh_simple '{"who":"you"}' --registry-url ${registry}`);
      expect(stderr).toMatch(/hello-world +http:\/\/127\.0\.0\.1:\d+\/mcp/);
      expect(stderr).toContain(`curl -s ${registry}/agents`);
      const agents = (await (await fetch(`${registry}/agents`)).json()) as { agents: Array<{ name: string }> };
      expect(agents.agents.map((a) => a.name).sort()).toEqual(["hello-world", "system-agent"]);

      // Ctrl-C: SIGINT to the whole foreground process group.
      const tree = processTree(child.pid as number);
      started.push(...tree);
      expect(tree.length).toBeGreaterThanOrEqual(4); // npm, (sh), meshctl, two agents
      killGroup(child.pid, "SIGINT");
      const stopStart = Date.now();
      await Promise.race([
        exited,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`npm run demo still running after Ctrl-C:\n${log()}`)), EXIT_TIMEOUT_MS),
        ),
      ]);
      await until(
        () => (tree.some(alive) ? undefined : true),
        EXIT_TIMEOUT_MS,
        "exit of every process",
        () => `still alive: ${tree.filter(alive).join(", ")}\n${log()}`,
      );
      const stopSeconds = (Date.now() - stopStart) / 1000;
      expect(stderr).not.toMatch(/✗/);
      console.log(
        `quick start: npm install ${installSeconds.toFixed(1)} s, greeting after ${greetingSeconds.toFixed(1)} s, stopped in ${stopSeconds.toFixed(1)} s (${copied} files)`,
      );
    },
    INSTALL_TIMEOUT_MS + GREETING_TIMEOUT_MS + 2 * EXIT_TIMEOUT_MS + 30_000,
  );
});
