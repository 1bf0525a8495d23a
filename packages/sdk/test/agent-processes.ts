// Running fixture agents (test/fixtures/*.mjs, importing the built @mcp-mesh/sdk) as real
// processes. Each waits for its "READY <url> <agent_id>" line; every process is killed by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";
import { type RegistryProcess, startRegistryProcess } from "../../../test/interop/processes.js";

export interface AgentProcess {
  pid: number;
  url: string;
  agentId: string;
  output(): string;
  /** Resolves when the process has exited: its exit code, or the signal that killed it. */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful: the agent unregisters) and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: no goodbye, as a crash. */
  kill(): Promise<void>;
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

/** test/fixtures/<name>, or `name` itself when it is an absolute path (e.g. an example). */
export function fixture(name: string): string {
  return isAbsolute(name) ? name : fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
}

export async function startAgentProcess(file: string, env: Record<string, string>): Promise<AgentProcess> {
  const child = spawn(process.execPath, [fixture(file)], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      MCP_MESH_HTTP_HOST: "127.0.0.1",
      MCP_MESH_LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let log = "";
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const exited = exit.then(() => undefined);
  const ready = new Promise<{ url: string; agentId: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} not ready in 15 s:\n${log}`)), 15_000);
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-65536);
      const m = /READY (\S+) (\S+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1] as string, agentId: m[2] as string });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-65536)));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code}) before ready:\n${log}`));
    });
  });
  const { url, agentId } = await ready;
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      safeKill(child.pid, signal);
      await exited;
    }
    live.delete(child);
  };
  return {
    pid: child.pid ?? -1,
    url,
    agentId,
    output: () => log,
    exit,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}

/** What one test file starts: agents and our registries, all killed by PID after its tests. */
export function processScope() {
  const procs: AgentProcess[] = [];
  const registries: RegistryProcess[] = [];
  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.kill()));
    await Promise.allSettled(registries.map((r) => r.stop()));
  });
  return {
    async start(file: string, env: Record<string, string>): Promise<AgentProcess> {
      const p = await startAgentProcess(file, env);
      procs.push(p);
      return p;
    },
    async registry(env: Record<string, string> = {}): Promise<RegistryProcess> {
      const r = await startOurRegistry(env);
      registries.push(r);
      return r;
    },
  };
}

const REGISTRY_BIN = fileURLToPath(new URL("../../registry/bin/mcp-mesh-registry.js", import.meta.url));

/** Our registry as a real process (fresh temp SQLite file). */
export function startOurRegistry(env: Record<string, string> = {}): Promise<RegistryProcess> {
  return startRegistryProcess("ours", [process.execPath, REGISTRY_BIN], { MCP_MESH_LOG_LEVEL: "warn", ...env });
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let rpcId = 1;
/** tools/call over HTTP as any MCP caller would; resolves with the JSON-RPC response. */
export async function rpc(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; text: string; type: string }> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, body: parsed, text, type: res.headers.get("content-type") ?? "" };
}

export function callTool(url: string, name: string, args: Record<string, unknown> = {}) {
  return rpc(url, { jsonrpc: "2.0", id: rpcId++, method: "tools/call", params: { name, arguments: args } });
}

/** The text of a tools/call answer (throws on a JSON-RPC error). */
export async function callText(url: string, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const r = await callTool(url, name, args);
  if (r.body?.error) throw new Error(`rpc error: ${JSON.stringify(r.body.error)}`);
  return (r.body?.result?.content ?? []).map((c: { text?: string }) => c.text ?? "").join("");
}

/**
 * Our registry on a given port and database file (to kill it and bring it back at the same
 * address). Resolves once /health answers.
 */
export async function startOurRegistryAt(
  port: number,
  databaseUrl: string,
): Promise<{ url: string; pid: number; kill(): Promise<void> }> {
  const child = spawn(process.execPath, [REGISTRY_BIN], {
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      MCP_MESH_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  live.add(child);
  let log = "";
  child.stderr?.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`registry exited: ${log}`);
      return (await fetch(`${url}/health`)
        .then((r) => r.ok)
        .catch(() => false))
        ? true
        : undefined;
    },
    15_000,
    `registry on ${url}`,
  );
  return {
    url,
    pid: child.pid ?? -1,
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        safeKill(child.pid, "SIGKILL");
        await exited;
      }
      live.delete(child);
    },
  };
}
