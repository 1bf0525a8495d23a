// A real process whose stdout and stderr go to a log file, as a deployment keeps them: the
// canary test reads the whole file afterwards, not a tail kept in memory. Stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export interface LoggedProcess {
  pid: number;
  logFile: string;
  log(): string;
  /** SIGTERM (graceful: agents unregister, logs flush) and wait for the exit. */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) if (c.pid !== undefined) safeKill(c.pid, "SIGKILL");
});

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** Runs `node <args>` (or `bin <args>`) with its output appended to `logFile`. */
export function startLogged(
  args: string[],
  env: Record<string, string>,
  logFile: string,
  bin: string = process.execPath,
): LoggedProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(bin, args, {
    env: { ...process.env, HOST: "127.0.0.1", MCP_MESH_HTTP_HOST: "127.0.0.1", ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  live.add(child);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    pid: child.pid ?? -1,
    logFile,
    log: () => readFileSync(logFile, "utf8"),
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        safeKill(child.pid, "SIGTERM");
        const timer = setTimeout(() => child.pid !== undefined && safeKill(child.pid, "SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
}

/** Polls `probe` until it returns something other than undefined. */
export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${String(last)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
