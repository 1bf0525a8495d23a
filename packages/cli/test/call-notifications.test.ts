// meshctl call against a real agent whose tool sends progress and log notifications: they are
// printed on stderr while the tool still runs, one line each; stdout is only the result.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { baseEnv, fixture, killQuietly, MESHCTL, meshctl } from "./meshctl-process.js";

const dir = mkdtempSync(join(tmpdir(), "meshctl-notify-"));
const pids: number[] = [];
afterAll(() => {
  for (const pid of pids) killQuietly(pid, "SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** The fixture agent as a real process; resolves with its URL once it prints READY. */
function startAgent(): Promise<string> {
  const child = spawn(process.execPath, [fixture("chatty-agent.mjs")], {
    env: { ...process.env, HOST: "127.0.0.1", MCP_MESH_HTTP_HOST: "127.0.0.1", MCP_MESH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid) pids.push(child.pid);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (c) => {
      out += c;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.stderr.on("data", (c) => (out += c));
    child.once("exit", (code) => reject(new Error(`agent exited (${code}): ${out}`)));
  });
}

describe("meshctl call shows a tool's progress and logs", () => {
  it("prints them on stderr as they arrive and keeps stdout the result", async () => {
    const url = await startAgent();
    const release = join(dir, "release");
    const call = spawn(
      process.execPath,
      [MESHCTL, "call", "import_rows", JSON.stringify({ release }), "--agent-url", url],
      { env: baseEnv(dir), stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    call.stdout.on("data", (c) => (stdout += c));
    const exited = new Promise<number | null>((r) => call.once("exit", (code) => r(code)));
    const timer = setTimeout(() => call.pid && killQuietly(call.pid, "SIGKILL"), 30_000);
    // The tool is still waiting for `release` when the first lines show up.
    const sawLines = new Promise<void>((resolve) =>
      call.stderr.on("data", (c) => {
        stderr += c;
        if (stderr.includes("slow ⏎ query")) resolve();
      }),
    );
    await Promise.race([sawLines, exited]);
    expect(stderr).toBe("progress 40% (2/5) parsing\nwarning db: slow ⏎ query\n");
    expect(stdout).toBe("");
    writeFileSync(release, "");
    const code = await exited;
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(stderr).toBe('progress 40% (2/5) parsing\nwarning db: slow ⏎ query\ninfo {"rows":3}\n');
    expect(JSON.parse(stdout)).toEqual({ imported: 3 });
  }, 60_000);

  it("an agent that is not there is one line and exit code 3", async () => {
    const r = await meshctl(["call", "x", "--agent-url", "http://127.0.0.1:1"], baseEnv(dir));
    expect(r).toEqual({
      code: 3,
      stdout: "",
      stderr: "meshctl: cannot reach http://127.0.0.1:1/mcp (connection refused)\n",
    });
  });
});
