// docs/python-interop.md, step by step, as a user runs it: our registry, the two Python agents
// of examples/python (reference runtime, mcp-mesh 3.7.1) and the TypeScript agents of
// examples/simple started by our `meshctl start`. hello-world greets with the Python clock's
// date; the Python greeter calls the TypeScript system agent; stop the Python clock and
// hello-world falls back to the TypeScript date service. Real processes, free loopback ports.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { REPO_ROOT } from "../interop/reference.js";
import { callMcpTool } from "./mcp-call.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const MESHCTL = join(REPO_ROOT, "packages", "cli", "bin", "meshctl.js");
const EXAMPLES = join(REPO_ROOT, "examples");
const WAIT_MS = 60_000;
// Generous: Python agents are slow on a loaded 2-core machine; the waits inside are bounded anyway.
const TEST_MS = 150_000;

function textOf(result: { content?: { text?: string }[] }): string {
  return (result.content ?? []).map((c) => c.text ?? "").join("");
}

async function pollText(probe: () => Promise<string>, done: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const text = await probe();
    if (done(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeWithPrerequisites(
  "docs/python-interop.md: Python and TypeScript examples in one mesh",
  [...missingPython(), ...missingOurs()],
  () => {
    let registry: RegistryProcess;
    let clock: PythonAgent;
    let greeter: PythonAgent;
    let tsAgents: ChildProcess | undefined;
    let tsOutput = "";
    let home = "";

    const env = () => ({
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MCP_MESH_"))),
      NO_COLOR: "1",
      MCP_MESH_HOME: home,
      MCP_MESH_REGISTRY_URL: registry.url,
    });
    const meshctl = (...args: string[]) =>
      new Promise<string>((resolve) => {
        execFile(process.execPath, [MESHCTL, ...args], { env: env(), timeout: 30_000 }, (_err, stdout, stderr) =>
          resolve(stdout + stderr),
        );
      });

    beforeAll(async () => {
      home = mkdtempSync(join(tmpdir(), "mesh-python-examples-"));
      registry = await startOurRegistry();
      [clock, greeter] = await Promise.all([
        startPythonAgent(join(EXAMPLES, "python", "clock_agent.py"), {
          registryUrl: registry.url,
          name: "python-clock",
        }),
        startPythonAgent(join(EXAMPLES, "python", "greeter_agent.py"), {
          registryUrl: registry.url,
          name: "python-greeter",
        }),
      ]);
      // The TypeScript agents, as the docs start them; MCP_MESH_HTTP_PORT=0 instead of their fixed ports.
      tsAgents = spawn(
        process.execPath,
        [
          MESHCTL,
          "start",
          join(EXAMPLES, "simple"),
          "--env",
          "MCP_MESH_HTTP_PORT=0",
          "--call",
          "hello_mesh_simple",
          "--call-args",
          '{"who": "Ada"}',
        ],
        { env: env(), stdio: ["ignore", "pipe", "pipe"], detached: true },
      );
      tsAgents.stdout?.on("data", (c: Buffer) => (tsOutput = (tsOutput + c.toString()).slice(-65536)));
      tsAgents.stderr?.on("data", (c: Buffer) => (tsOutput = (tsOutput + c.toString()).slice(-65536)));
    }, 180_000);

    afterAll(async () => {
      if (tsAgents?.pid !== undefined && tsAgents.exitCode === null) {
        const closed = new Promise((r) => tsAgents?.once("close", r));
        try {
          process.kill(-tsAgents.pid, "SIGTERM"); // meshctl and the agents it started
        } catch {
          // already gone
        }
        await closed;
      }
      await Promise.allSettled([clock?.stop(), greeter?.stop()]);
      await registry?.stop();
      rmSync(home, { recursive: true, force: true });
    });

    it(
      "hello-world (TypeScript) greets with the date from the Python clock",
      async () => {
        const deadline = Date.now() + WAIT_MS;
        while (!/Hello Ada! Today is .*\(from Python\)/.test(tsOutput) && Date.now() < deadline) {
          if (tsAgents?.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(tsOutput).toMatch(/Hello Ada! Today is \w+day \d\d \w+ \d{4}, \d\d:\d\d:\d\d UTC \(from Python\)/);
      },
      TEST_MS,
    );

    it(
      "the Python greeter calls the TypeScript system agent",
      async () => {
        const text = await pollText(
          async () => textOf(await callMcpTool(greeter.url, "hello_from_python", { who: "Ada" })),
          (t) => !t.includes("not available"),
        );
        expect(text).toMatch(
          /^Hello Ada, from Python! The TypeScript system agent runs Node v\d+\.\d+\.\d+ on linux\.$/,
        );
        expect(await meshctl("call", "hello_from_python", '{"who": "Ada"}')).toBe(`${text}\n`);
      },
      TEST_MS,
    );

    it(
      "without the Python clock, hello-world falls back to the TypeScript date service",
      async () => {
        await clock.stop();
        const text = await pollText(
          () => meshctl("call", "hello_mesh_simple", '{"who": "Ada"}'),
          (t) => t.startsWith("Hello Ada! Today is") && !t.includes("from Python"),
        );
        expect(text).toMatch(/^Hello Ada! Today is .+\d{4}.+\n$/);
        expect(text).not.toContain("from Python");
      },
      TEST_MS,
    );
  },
);
