// The mcp-mesh-registry binary as a user runs it: --help, bad configuration, a real listen,
// and a graceful stop on SIGTERM that keeps the database.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MESH_VERSION } from "@mcp-mesh/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, startRegistry } from "./fixtures.js";

const BIN = fileURLToPath(new URL("../bin/mcp-mesh-registry.js", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) cleanup(d);
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "mesh-bin-"));
  dirs.push(d);
  return d;
}

async function waitForHealth(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`registry did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("mcp-mesh-registry binary", () => {
  it("--help lists every setting with its default", () => {
    const r = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    for (const name of [
      "HOST",
      "PORT",
      "DATABASE_URL",
      "HEALTH_CHECK_INTERVAL",
      "DEFAULT_TIMEOUT_THRESHOLD",
      "MCP_MESH_RETENTION",
      "MCP_MESH_SWEEP_INTERVAL",
    ]) {
      expect(r.stdout).toContain(name);
    }
  });

  it("--version prints the release every package reports, and /health reports it too", async () => {
    const r = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `mcp-mesh-registry ${MESH_VERSION} (MCP Mesh for TypeScript; wire-compatible with MCP Mesh 3.7.1)\n`,
    );
    expect(MESH_VERSION).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version);
    const reg = await startRegistry();
    try {
      expect((await reg.get("/health")).json.version).toBe(MESH_VERSION);
      expect((await reg.get("/")).json.version).toBe(MESH_VERSION);
    } finally {
      await reg.close();
      cleanup(reg.dir);
    }
  });

  it("reports every configuration problem at once and exits 2", () => {
    const r = spawnSync(process.execPath, [BIN], {
      encoding: "utf8",
      env: { ...process.env, PORT: "99999", HEALTH_CHECK_INTERVAL: "soon", MCP_MESH_RETENTION: "1 day" },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PORT="99999"');
    expect(r.stderr).toContain('HEALTH_CHECK_INTERVAL="soon"');
    expect(r.stderr).toContain('MCP_MESH_RETENTION="1 day"');
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("serves on --host/--port, and stops cleanly on SIGTERM keeping its data", async () => {
    const dir = tempDir();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [BIN, "--host", "127.0.0.1", "--port", String(port)], {
      cwd: dir,
      env: { ...process.env, HOST: "0.0.0.0", PORT: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url);
    const r = await fetch(`${url}/heartbeat`, {
      method: "POST",
      body: JSON.stringify({
        agent_id: "keep-me",
        http_host: "127.0.0.1",
        http_port: 9,
        tools: [{ function_name: "f", capability: "c" }],
      }),
    });
    expect((await r.json()).status).toBe("success");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // The default database file sits in the working directory.
    expect(existsSync(join(dir, "mcp_mesh_registry.db"))).toBe(true);

    const again = spawn(process.execPath, [BIN, "-H", "127.0.0.1", "-p", String(port)], { cwd: dir, stdio: "ignore" });
    children.push(again);
    await waitForHealth(url);
    const agents = await (await fetch(`${url}/agents`)).json();
    expect(agents.agents.map((a: { id: string }) => a.id)).toEqual(["keep-me"]);
    again.kill("SIGTERM");
  });
});
