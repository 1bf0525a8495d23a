// Running the built meshctl binary as a real process for the tests, with its own
// MCP_MESH_HOME and no colour. Everything started here is killed by PID at exit.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const MESHCTL = fileURLToPath(new URL("../bin/meshctl.js", import.meta.url));
export const CLI_DIST = fileURLToPath(new URL("../dist/main.js", import.meta.url));
export const SDK_DIST = fileURLToPath(new URL("../../sdk/dist/index.js", import.meta.url));

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export function missingBuild(): string[] {
  return [CLI_DIST, SDK_DIST].filter((f) => !existsSync(f)).map((f) => `${f} (run: npm run build)`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function baseEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    MCP_MESH_HOME: home,
    NO_COLOR: "1",
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    ...extra,
  };
}

export function meshctl(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MESHCTL, ...args], { env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const show = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) if (c.pid !== undefined) killQuietly(c.pid, "SIGKILL");
});

export function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `meshctl start` in the foreground; resolves once stderr says the mesh is ready. */
export async function startForeground(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [MESHCTL, "start", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`meshctl start not ready in 30 s:\n${stderr}\n${stdout}`)), 30_000);
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
      if (/ready/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`meshctl start exited (${code}):\n${stderr}\n${stdout}`));
    });
  });
  return {
    pid: child.pid ?? -1,
    output: () => ({ stdout, stderr }),
    exited,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) killQuietly(child.pid ?? -1, signal);
      const code = await exited;
      live.delete(child);
      return code;
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** PIDs of live processes whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** PIDs of the live child processes of `parent` (Linux /proc). */
export function childrenOf(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === parent) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}
