// Our registry binary as a real process on a free loopback port, with a database directory the
// test owns (so a restart keeps it). Stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Agent, fetch as undiciFetch } from "undici";
import { freePort } from "../interop/processes.js";

const BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));

export interface AuthRegistry {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * `tls`: the registry serves HTTPS (MCP_MESH_TLS_* in `env`); its /health is polled trusting
 * `ca` (a probe needs no client certificate, even in strict mode). `tls.binary`: another
 * registry executable (the reference's) instead of ours.
 */
export async function startAuthRegistry(
  dbPath: string,
  env: Record<string, string>,
  tls?: { ca: Buffer; binary?: string },
): Promise<AuthRegistry> {
  const port = await freePort();
  const [file, args] = tls?.binary ? [tls.binary, []] : [process.execPath, [BIN]];
  const child: ChildProcess = spawn(file, args, {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: dbPath, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (c: Buffer) => (log = (log + c).slice(-32768)));
  child.stderr?.on("data", (c: Buffer) => (log = (log + c).slice(-32768)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  const probe = tls ? new Agent({ connect: { ca: tls.ca } }) : undefined;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    await probe?.close();
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await undiciFetch(`${url}/health`, probe ? { dispatcher: probe } : {})).ok) break;
    } catch {}
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`registry did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, output: () => log, stop };
}

/** A minimal POST /heartbeat body: one tool providing `capability`, at 127.0.0.1:`port`. */
export function agentRegistration(id: string, capability: string, opts: { port?: number; version?: string } = {}) {
  return {
    agent_id: id,
    name: id,
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.0.0",
    http_host: "127.0.0.1",
    http_port: opts.port ?? 1,
    namespace: "default",
    tools: [
      {
        function_name: capability,
        capability,
        version: opts.version ?? "1.0.0",
        inputSchema: { type: "object", properties: {} },
      },
    ],
  };
}
