// Spawning and stopping registry processes for interop tests. Each registry gets a free
// loopback port and its own temp SQLite file (DATABASE_URL), and is stopped by PID.
// A process-exit hook kills anything still running, so a crashed test run leaks nothing.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RegistryProcess {
  name: string;
  pid: number;
  port: number;
  /** Base URL without trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  dbPath: string;
  /** Last ~64 KiB of combined stdout/stderr, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

// Both registries must keep every agent healthy for the whole test even though the test never
// sends HEAD heartbeats: the default 20 s timeout / 10 s scan would mark early agents unhealthy
// mid-run and make results timing-dependent. Same env contract for ours and the reference.
export const QUIET_HEALTH_ENV: Record<string, string> = {
  DEFAULT_TIMEOUT_THRESHOLD: "3600",
  HEALTH_CHECK_INTERVAL: "3600",
};

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) if (child.pid !== undefined) safeKill(child.pid, "SIGKILL");
});

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, gone: () => string | null, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const why = gone();
    if (why !== null) throw new Error(`registry ${why} before /health answered:\n${output()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`registry at ${url} not healthy after ${timeoutMs} ms:\n${output()}`);
}

/**
 * Start `command` (argv array) as a registry with HOST/PORT/DATABASE_URL set, and wait until
 * GET /health answers 200. Retries on a fresh port if the first one was grabbed meanwhile.
 */
export async function startRegistryProcess(
  name: string,
  command: string[],
  extraEnv: Record<string, string> = {},
): Promise<RegistryProcess> {
  const [file, ...args] = command;
  if (!file) throw new Error(`${name}: empty command`);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const tmpDir = mkdtempSync(join(tmpdir(), `mesh-${name}-`));
    const dbPath = join(tmpDir, "reg.db");
    const child = spawn(file, args, {
      env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: dbPath, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(child);
    let log = "";
    const append = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-65536);
    };
    child.stdout?.on("data", append);
    child.stderr?.on("data", append);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let spawnError: string | null = null;
    child.once("error", (err) => {
      spawnError = `failed to start (${err.message})`;
    });
    const gone = () =>
      spawnError ??
      (child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode})` : null);

    const stop = async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        safeKill(child.pid, "SIGTERM");
        const timer = setTimeout(() => child.pid !== undefined && safeKill(child.pid, "SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
      rmSync(tmpDir, { recursive: true, force: true });
    };
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(url, gone, () => log, 20_000);
    } catch (err) {
      await stop();
      lastError = err;
      if (/address already in use/i.test(log)) continue;
      throw err;
    }
    return { name, pid: child.pid ?? -1, port, url, dbPath, output: () => log, stop };
  }
  throw lastError;
}
