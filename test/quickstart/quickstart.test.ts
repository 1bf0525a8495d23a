// The README's quick start, as a new user runs it: a copy of the repository with nothing built
// (no node_modules, dist or .cache: what `git clone` gives), `npm install`, then `npm run demo`.
// The demo must print the greeting with today's date (a call through the injected date_service
// dependency) and the URLs to try, keep running, and leave no process behind after Ctrl-C
// (SIGINT to its whole process group, as a terminal sends it).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { alive, killGroup, processTree, type Running, run, start, until, userEnv } from "../support/process-group.js";

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

/** Today as the system agent formats it in UTC ("Sunday, 22 November 2026"). */
function utcDate(at: Date): string {
  return at.toLocaleDateString("en-GB", { timeZone: "UTC", dateStyle: "full" });
}

describe("the README quick start on a fresh copy of the repository", () => {
  let work = "";
  let demo: Running | undefined;
  const started: number[] = [];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "mesh-quickstart-"));
  });

  afterAll(() => {
    killGroup(demo?.child.pid, "SIGKILL");
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
      demo = start("npm", ["run", "demo"], repo, env);
      const { child, exited } = demo;
      const stdout = demo.stdout;
      const stderr = demo.stderr;
      const log = () => `--- stdout\n${stdout()}\n--- stderr\n${stderr()}`;

      const greeting = await until(
        () => /^ *(Hello .*)$/m.exec(stdout())?.[1],
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
      await until(() => (/Ctrl-C stops it/.test(stderr()) ? true : undefined), 10_000, "end of the lines to try", log);
      expect(stderr()).toContain(`npx meshctl call hello_mesh_simple '{"who":"you"}' --registry-url ${registry}`);
      expect(stderr()).toMatch(/hello-world +http:\/\/127\.0\.0\.1:\d+\/mcp/);
      expect(stderr()).toContain(`curl -s ${registry}/agents`);
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
      expect(stderr()).not.toMatch(/✗/);
      console.log(
        `quick start: npm install ${installSeconds.toFixed(1)} s, greeting after ${greetingSeconds.toFixed(1)} s, stopped in ${stopSeconds.toFixed(1)} s (${copied} files)`,
      );
    },
    INSTALL_TIMEOUT_MS + GREETING_TIMEOUT_MS + 2 * EXIT_TIMEOUT_MS + 30_000,
  );
});
