// Commands a user types, run as real processes for the suites that test them (the README quick
// start, the demos, own projects): each in its own process group, so a timeout, Ctrl-C (SIGINT
// to the group, as a terminal sends it) or the end of a test stops the whole tree (npm,
// meshctl, its agents) by group id.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { delimiter } from "node:path";

export interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command to its end (SIGKILL to its group after `timeoutMs`), stdout and stderr together. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number) {
  return new Promise<Finished>((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs / 1000} s]`;
      killGroup(child.pid, "SIGKILL");
    }, timeoutMs);
    child.once("error", (e) => (output += `\n${e.message}`));
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** A long-running command (meshctl start, npm run demo) and what it printed so far. */
export interface Running {
  child: ChildProcess;
  /** stdout and stderr together, in arrival order. */
  output(): string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

export function start(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let text = "";
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => {
    text += c.toString();
    out += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    text += c.toString();
    err += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => text, stdout: () => out, stderr: () => err, exited };
}

/**
 * Our environment as a user's shell would have it: nothing of this test run (vitest, the npm
 * that runs `npm test` and its npm_* settings, MCP_MESH_* exports, and whatever `drop` names),
 * `path` first on PATH, no colour, then `extra`.
 */
export function userEnv(
  extra: Record<string, string>,
  opts: { path?: string | undefined; drop?: RegExp } = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(MCP_MESH_|VITEST|npm_|NODE_OPTIONS$|FORCE_COLOR$|INIT_CWD$|NODE_ENV$)/i.test(k)) continue;
    if (opts.drop?.test(k)) continue;
    env[k] = v;
  }
  if (opts.path) env.PATH = `${opts.path}${delimiter}${env.PATH ?? ""}`;
  return { ...env, NO_COLOR: "1", ...extra };
}

export function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The process group of `root` and every descendant (in case one left the group). */
export function processTree(root: number): number[] {
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

export async function until<T>(check: () => T | undefined, timeoutMs: number, what: string, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s; output so far:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Ctrl-C to a foreground tree: SIGINT to its group, then every process of it must exit. */
export async function interrupt(running: Running, timeoutMs: number): Promise<void> {
  const tree = processTree(running.child.pid as number);
  killGroup(running.child.pid, "SIGINT");
  try {
    await until(
      () => (tree.some(alive) ? undefined : true),
      timeoutMs,
      "exit of every process after SIGINT",
      () => `still alive: ${tree.filter(alive).join(", ")}\n${running.output()}`,
    );
  } finally {
    for (const pid of tree) if (alive(pid)) process.kill(pid, "SIGKILL");
  }
}
