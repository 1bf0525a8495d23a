// Our agent's /mcp against the official MCP conformance suite, server mode: the example agent
// (examples/conformance/agent.mjs, built on @mcp-mesh/sdk, standalone) must pass the scenarios for
// initialize, ping, logging, tools/list and every tools/call scenario (content kinds, errors,
// log messages and progress during a call, sampling, elicitation). The suite is installed once
// into .cache/conformance/; without it the suite is skipped locally and FAILS under CI=true.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import {
  CONFORMANCE_PACKAGE,
  type ConformanceSuite,
  listServerScenarios,
  obtainConformanceSuite,
  runServerScenario,
} from "./suite.js";

const AGENT = fileURLToPath(new URL("../../examples/conformance/agent.mjs", import.meta.url));

/** The scenarios the agent must pass, besides every `tools-call-*` scenario the suite lists. */
const REQUIRED = ["server-initialize", "ping", "logging-set-level", "tools-list"];
/** The tools/call scenarios of the pinned suite (a sanity check on the listing). */
const KNOWN_TOOLS_CALL = [
  "tools-call-simple-text",
  "tools-call-image",
  "tools-call-audio",
  "tools-call-embedded-resource",
  "tools-call-mixed-content",
  "tools-call-with-logging",
  "tools-call-error",
  "tools-call-with-progress",
  "tools-call-sampling",
  "tools-call-elicitation",
];

const obtained = await obtainConformanceSuite();
const missing = "missing" in obtained ? [obtained.missing] : [];
const scenarios = "missing" in obtained ? [] : await listServerScenarios(obtained);
const toolsCall = scenarios.filter((s) => s.startsWith("tools-call-"));

describeWithPrerequisites(`MCP conformance suite (${CONFORMANCE_PACKAGE}, server mode)`, missing, () => {
  const suite = obtained as ConformanceSuite;
  let agent: ChildProcess;
  let url: string;
  const outDir = mkdtempSync(join(tmpdir(), "mcp-conformance-"));

  beforeAll(async () => {
    agent = spawn(process.execPath, [AGENT], {
      env: {
        ...process.env,
        MCP_MESH_STANDALONE: "true",
        HOST: "127.0.0.1",
        MCP_MESH_HTTP_HOST: "127.0.0.1",
        MCP_MESH_HTTP_PORT: "0",
        MCP_MESH_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent not ready in 15 s:\n${log}`)), 15_000);
      const onData = (chunk: Buffer) => {
        log += chunk.toString();
        const m = /READY (\S+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(`${m[1]}/mcp`);
        }
      };
      agent.stdout?.on("data", onData);
      agent.stderr?.on("data", onData);
      agent.once("exit", (code) => reject(new Error(`agent exited (${code}):\n${log}`)));
    });
  });

  afterAll(() => {
    if (agent?.pid !== undefined && agent.exitCode === null) process.kill(agent.pid, "SIGKILL");
    rmSync(outDir, { recursive: true, force: true });
  });

  it("lists every scenario we hold the agent to", () => {
    expect(toolsCall).toEqual(expect.arrayContaining(KNOWN_TOOLS_CALL));
    expect(scenarios).toEqual(expect.arrayContaining(REQUIRED));
  });

  it.for([...REQUIRED, ...toolsCall])("passes %s", async (scenario) => {
    const r = await runServerScenario(suite, url, scenario, outDir);
    const failed = r.checks.filter((c) => c.status === "FAILURE");
    expect(failed, `${scenario}:\n${r.output}`).toEqual([]);
    expect(
      r.checks.some((c) => c.status === "SUCCESS"),
      `${scenario} ran no check:\n${r.output}`,
    ).toBe(true);
    expect(r.exitCode, r.output).toBe(0);
  });
});
