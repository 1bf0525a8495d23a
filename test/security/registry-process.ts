// Our registry binary as a real process on a free loopback port, with a database directory the
// test owns (so a restart keeps it). Stopped by PID.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freePort } from "../interop/processes.js";

const BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));

export interface AuthRegistry {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startAuthRegistry(dbPath: string, env: Record<string, string>): Promise<AuthRegistry> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [BIN], {
    env: { ...process.env, HOST: "127.0.0.1", PORT: String(port), DATABASE_URL: dbPath, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (c: Buffer) => (log = (log + c).slice(-32768)));
  child.stderr?.on("data", (c: Buffer) => (log = (log + c).slice(-32768)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
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
