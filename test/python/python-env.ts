// The reference Python runtime (PyPI mcp-mesh 3.7.1) for mixed-mesh tests: where its virtualenv
// lives (made by scripts/fetch-python.mjs; keep the paths in sync) and how to run a Python agent
// as a real process that talks to 127.0.0.1 only.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { type Dispatcher, fetch as undiciFetch } from "undici";
import { freePort } from "../interop/processes.js";
import { REPO_ROOT } from "../interop/reference.js";

export const VENV_DIR = join(REPO_ROOT, ".cache", "python", "venv");
export const VENV_PYTHON = join(VENV_DIR, "bin", "python");
const STAMP = join(VENV_DIR, ".mcp-mesh-stamp");
const AGENTS_DIR = join(REPO_ROOT, "test", "python", "agents");

/** Human-readable list of what is missing (empty when the venv is installed). */
export function missingPython(): string[] {
  return existsSync(VENV_PYTHON) && existsSync(STAMP)
    ? []
    : [`Python venv with mcp-mesh 3.7.1 at ${VENV_DIR} (run: node scripts/fetch-python.mjs)`];
}

export interface PythonAgent {
  /** The agent name it was started with (MCP_MESH_AGENT_NAME). */
  name: string;
  pid: number;
  port: number;
  /** http(s)://127.0.0.1:<port> */
  url: string;
  /** The id it registered with (`<name>-<8 hex>`), read from the registry. */
  agentId: string;
  /** Last ~64 KiB of its stdout/stderr, for failure messages. */
  output(): string;
  /** SIGTERM: the agent unregisters (DELETE /agents/{id}) and exits. */
  stop(): Promise<void>;
}

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

// Everything a Python agent would otherwise reach beyond the test's own registry is pointed at
// loopback or turned off: no tracing, no Redis session store (port 1 refuses at once, so it falls
// back to memory instead of touching a Redis another test may run), no media store probing.
export function pythonEnv(
  registryUrl: string,
  name: string,
  port: number,
  home: string,
  extra: Record<string, string>,
) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("MCP_MESH_") && !k.startsWith("MESH_")),
  );
  return {
    ...inherited,
    HOME: home,
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    HOST: "127.0.0.1",
    MCP_MESH_REGISTRY_URL: registryUrl,
    MCP_MESH_AGENT_NAME: name,
    MCP_MESH_HTTP_HOST: "127.0.0.1",
    MCP_MESH_HTTP_PORT: String(port),
    MCP_MESH_HEALTH_INTERVAL: "1",
    MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "false",
    MCP_MESH_TELEMETRY_ENABLED: "false",
    MCP_MESH_REDIS_TRACE_PUBLISHING: "false",
    REDIS_URL: "redis://127.0.0.1:1",
    FASTMCP_CHECK_FOR_UPDATES: "off",
    FASTMCP_SHOW_SERVER_BANNER: "false",
    // The reference waits up to 20 s for unresolved dependencies on a first call; the tests poll.
    MCP_MESH_SETTLE_TIMEOUT: "2",
    MCP_MESH_LOG_LEVEL: "INFO",
    ...extra,
  };
}

interface ListedAgent {
  id: string;
  name: string;
  endpoint: string;
  status: string;
}

async function registeredId(
  registryUrl: string,
  name: string,
  port: number,
  dispatcher?: Dispatcher,
): Promise<string | undefined> {
  try {
    const res = await undiciFetch(`${registryUrl}/agents`, {
      signal: AbortSignal.timeout(2000),
      ...(dispatcher && { dispatcher }),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { agents?: ListedAgent[] };
    const mine = body.agents?.find((a) => a.name === name && a.endpoint.endsWith(`:${port}`) && a.status === "healthy");
    return mine?.id;
  } catch {
    return undefined;
  }
}

async function answers(url: string, dispatcher?: Dispatcher): Promise<boolean> {
  try {
    return (await undiciFetch(`${url}/ready`, { signal: AbortSignal.timeout(2000), ...(dispatcher && { dispatcher }) }))
      .ok;
  } catch {
    return false;
  }
}

/**
 * Runs test/python/agents/<script> (or the absolute path `script`) with the venv's Python on a free loopback port, and resolves
 * once the registry lists it as healthy and its /ready answers 200. `name` becomes the agent's
 * name (MCP_MESH_AGENT_NAME), so one script can run as several agents.
 */
export async function startPythonAgent(
  script: string,
  opts: {
    registryUrl: string;
    name: string;
    env?: Record<string, string>;
    timeoutMs?: number;
    /** The agent serves HTTPS (MCP_MESH_TLS_* in `env`): readiness is polled through this client. */
    tls?: Dispatcher;
  },
): Promise<PythonAgent> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const home = mkdtempSync(join(tmpdir(), "mesh-python-home-"));
    const file = isAbsolute(script) ? script : join(AGENTS_DIR, script);
    const child = spawn(VENV_PYTHON, [file], {
      cwd: dirname(file),
      env: pythonEnv(opts.registryUrl, opts.name, port, home, opts.env ?? {}),
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
    child.once("error", (err) => append(Buffer.from(`\nspawn failed: ${err.message}\n`)));
    const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
    const stop = async () => {
      if (!gone()) {
        safeKill(child.pid as number, "SIGTERM");
        // A Python agent takes a moment to unregister; SIGKILL only if it hangs.
        const timer = setTimeout(() => child.pid !== undefined && safeKill(child.pid, "SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
      rmSync(home, { recursive: true, force: true });
    };
    const url = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    let agentId: string | undefined;
    while (Date.now() < deadline && !gone()) {
      agentId = await registeredId(opts.registryUrl, opts.name, port, opts.tls);
      if (agentId && (await answers(url, opts.tls))) break;
      agentId = undefined;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (agentId) {
      return { name: opts.name, pid: child.pid ?? -1, port, url, agentId, output: () => log, stop };
    }
    const why = gone() ? `exited (${child.exitCode ?? child.signalCode})` : `not registered within ${timeoutMs} ms`;
    await stop();
    lastError = new Error(`Python agent ${script} (${opts.name}) ${why}:\n${log}`);
    // Another process may have taken the port between freePort() and the bind: try a new one.
    if (!/address already in use|errno 98/i.test(log)) break;
  }
  throw lastError;
}
