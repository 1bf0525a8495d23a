// meshctl call on a streaming tool (a real producer process on our registry): the chunks are on
// stdout while the producer is still blocked, through the registry's /proxy (the default path,
// which must pass the event stream through unbuffered) and with --direct; --no-stream and --raw
// keep stdout the result alone.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, startAgentProcess, startOurRegistry, waitFor } from "../../sdk/test/agent-processes.js";
import { baseEnv, killQuietly, MESHCTL, meshctl } from "./meshctl-process.js";

describe("meshctl call prints a stream's chunks as they arrive", () => {
  const dir = mkdtempSync(join(tmpdir(), "meshctl-stream-"));
  let registry: RegistryProcess;
  let producer: AgentProcess;
  let gates = 0;
  const gate = () => join(dir, `gate-${gates++}`);
  const env = () => baseEnv(dir, { MCP_MESH_REGISTRY_URL: registry.url });

  beforeAll(async () => {
    registry = await startOurRegistry();
    producer = await startAgentProcess("stream-producer.mjs", { MCP_MESH_REGISTRY_URL: registry.url });
    await waitFor(
      async () => {
        const { agents } = (await (await fetch(`${registry.url}/agents`)).json()) as { agents: unknown[] | null };
        return (agents ?? []).length > 0 ? true : undefined;
      },
      15_000,
      "the producer registered",
    );
  }, 60_000);
  afterAll(async () => {
    await producer?.kill();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const streamed = async (extra: string[]) => {
    const g = gate();
    const call = spawn(process.execPath, [MESHCTL, "call", "words", JSON.stringify({ gate: g }), ...extra], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    call.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => call.once("exit", (code) => r(code)));
    const timer = setTimeout(() => call.pid && killQuietly(call.pid, "SIGKILL"), 30_000);
    const sawFirst = new Promise<void>((resolve) =>
      call.stdout.on("data", (c) => {
        stdout += c;
        if (stdout.includes("alpha")) resolve();
      }),
    );
    await Promise.race([sawFirst, exited]);
    // The producer waits for the gate: only a chunk passed on at once can be on stdout yet.
    expect(stdout, stderr).toBe("alpha ");
    writeFileSync(g, "");
    const code = await exited;
    clearTimeout(timer);
    return { code, stdout, stderr };
  };

  it("through the registry's /proxy (the default)", async () => {
    expect(await streamed([])).toEqual({ code: 0, stdout: "alpha beta gamma\n", stderr: "" });
  }, 60_000);

  it("with --direct", async () => {
    expect(await streamed(["--direct"])).toEqual({ code: 0, stdout: "alpha beta gamma\n", stderr: "" });
  }, 60_000);

  it("--no-stream prints only the result, --raw only the MCP result object", async () => {
    const g = gate();
    writeFileSync(g, "");
    const args = ["call", "words", JSON.stringify({ gate: g })];
    expect(await meshctl([...args, "--no-stream"], env())).toEqual({
      code: 0,
      stdout: "alpha beta gamma\n",
      stderr: "",
    });
    const raw = await meshctl([...args, "--raw"], env());
    expect(raw.code).toBe(0);
    expect(JSON.parse(raw.stdout)).toEqual({ content: [{ type: "text", text: "alpha beta gamma" }] });
    const both = await meshctl([...args, "--stream", "--no-stream"], env());
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--stream or --no-stream, not both/);
  }, 60_000);

  it("a stream that fails after a chunk ends the line and reports the error", async () => {
    const r = await meshctl(["call", "bad_chunks"], env());
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("fine \n");
    expect(r.stderr).toMatch(/tool 'bad_chunks' returned an error: .*chunk 1 is a number/);
  }, 60_000);
});
