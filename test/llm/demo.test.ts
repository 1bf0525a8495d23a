// `npm run demo:llm` as a user runs it with no vendor key and no local model server: examples/llm
// under meshctl start, against the clearly labelled scripted model. Maya's answer must show the
// emotion analysis (structured output from the "fast" provider) and a memory recalled through
// the memory agent's mesh tool by the "smart" provider's loop; Ctrl-C (SIGINT to the process
// group, as a terminal sends it) must leave no process behind.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WAIT_MS = 60_000;

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

/** The process group and every descendant of `root`. */
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
    for (const [pid, ppid] of rows)
      if (tree.has(ppid) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
  }
  return [...tree];
}

/** Whether something accepts connections on 127.0.0.1:port (a local ollama would change the demo's model). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      resolve(true);
      socket.destroy();
    });
    socket.once("error", () => resolve(false));
  });
}

async function until<T>(check: () => T | undefined, what: string, log: () => string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${WAIT_MS / 1000} s:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("npm run demo:llm offline", () => {
  let demo: ChildProcess | undefined;
  const tree: number[] = [];
  const home = mkdtempSync(join(tmpdir(), "mesh-demo-llm-"));
  afterAll(() => {
    killGroup(demo?.pid, "SIGKILL");
    for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
  });

  it(
    "Maya answers with the analysed emotion and a recalled memory, from the labelled scripted model; Ctrl-C leaves nothing",
    async () => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env))
        if (!/^(MCP_MESH_|VITEST|MAYA_)|^(FORCE_COLOR|NODE_OPTIONS|ANTHROPIC_API_KEY|OPENAI_API_KEY)$/.test(k))
          env[k] = v;
      const registry = `http://127.0.0.1:${await freePort()}`;
      Object.assign(env, {
        NO_COLOR: "1",
        MCP_MESH_REGISTRY_URL: registry,
        MCP_MESH_HOME: home,
        MCP_MESH_HTTP_PORT: "0",
        // Offline means offline: a model server on this machine is not the scripted model.
        ...((await listening(11434)) && { MAYA_LLM: "scripted" }),
      });
      const child = spawn("npm", ["run", "demo:llm"], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      demo = child;
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const log = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

      const answer = await until(() => /^ *(Maya.*)$/m.exec(stdout)?.[1], "answer from Maya", log);
      expect(answer).toBe(
        "Maya (feeling nostalgic): [scripted model] Oh, I remember! We watched the storm from the lighthouse at Saint-Malo, and you lost your hat to the sea.",
      );
      expect(stdout).toMatch(/the models are a SCRIPTED model \(canned answers, not an LLM/);
      await until(() => (/Ctrl-C stops it/.test(stderr) ? true : undefined), "end of the lines to try", log);
      expect(stderr).not.toMatch(/✗/);
      const agents = (await (await fetch(`${registry}/agents`)).json()) as { agents: Array<{ name: string }> };
      expect(agents.agents.map((a) => a.name).sort()).toEqual([
        "maya-avatar",
        "maya-emotion",
        "maya-llm",
        "maya-memory",
      ]);

      tree.push(...processTree(child.pid as number));
      expect(tree.length).toBeGreaterThanOrEqual(6); // npm, (sh), meshctl, four agents
      killGroup(child.pid, "SIGINT");
      await exited;
      await until(
        () => (tree.some(alive) ? undefined : true),
        "exit of every process",
        () => `alive: ${tree.filter(alive)}`,
      );
    },
    3 * WAIT_MS,
  );
});
