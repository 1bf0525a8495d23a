// One mixed mesh — reference Python agents (PyPI mcp-mesh 3.7.1, real processes) and our
// TypeScript agents (in this process) — on a registry given by the caller: ours or the
// reference binary. The same assertions run on both, so what our registry does for Python
// agents is what the reference does. Processes are shared across the tests of a file (a Python
// agent takes seconds to start); tests that stop an agent bring it back before they end.
import { execFile } from "node:child_process";
import { join } from "node:path";
import { ErrorCodes, type MeshAgent } from "@mcp-mesh/sdk";
import { providers, waitForDependency } from "@mcp-mesh/sdk/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { REPO_ROOT } from "../interop/reference.js";
import { callMcpTool, jsonOf } from "./mcp-call.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";
import { LANG_EXPECTED, type Outcome, PY_KINDS, tsConsumer, tsProvider, tsSlowConsumer } from "./ts-agents.js";

const WIRE_MS = 45_000;
// Generous: Python agents are slow on a loaded 2-core machine; the waits inside are bounded anyway.
const TEST_MS = 150_000;
const MESHCTL = join(REPO_ROOT, "packages", "cli", "bin", "meshctl.js");

/** Our meshctl as a user runs it (async: the TS agents in this process must keep serving). */
function meshctl(
  registryUrl: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", MCP_MESH_REGISTRY_URL: registryUrl };
  return new Promise((resolve) => {
    execFile(process.execPath, [MESHCTL, ...args], { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Polls `probe` until `done` accepts its value; returns the last value (even on timeout). */
async function pollUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs = WIRE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function mixedMeshSuite(
  registryName: string,
  missingRegistry: () => string[],
  startRegistry: () => Promise<RegistryProcess>,
): void {
  describeWithPrerequisites(
    `a mixed Python/TypeScript mesh on ${registryName}`,
    [...missingPython(), ...missingRegistry()],
    () => {
      let registry: RegistryProcess;
      let pyProvider: PythonAgent;
      let pyConsumer: PythonAgent;
      let provider: MeshAgent;
      let consumer: MeshAgent;

      const startPyProvider = () =>
        startPythonAgent("py_provider.py", { registryUrl: registry.url, name: "py-provider" });
      const relayFromPython = async (kind: string) => jsonOf(await callMcpTool(pyConsumer.url, "py_relay", { kind }));
      const relayFromTs = (kind: string) => consumer.callLocal("ts_relay", { kind }) as Promise<Outcome>;

      beforeAll(async () => {
        registry = await startRegistry();
        provider = tsProvider(registry.url);
        consumer = tsConsumer(registry.url);
        [pyProvider, pyConsumer] = await Promise.all([
          startPyProvider(),
          startPythonAgent("py_consumer.py", { registryUrl: registry.url, name: "py-consumer" }),
          provider.start(),
          consumer.start(),
        ]);
      }, 180_000);

      afterAll(async () => {
        await Promise.allSettled([pyProvider?.stop(), pyConsumer?.stop(), provider?.stop(), consumer?.stop()]);
        await registry?.stop();
      });

      it(
        "lists the Python agents with runtime python next to ours",
        async () => {
          const res = await fetch(`${registry.url}/agents`);
          const { agents } = (await res.json()) as { agents: { id: string; runtime: string; status: string }[] };
          const byId = new Map(agents.map((a) => [a.id, [a.runtime, a.status]]));
          expect(byId.get(pyProvider.agentId)).toEqual(["python", "healthy"]);
          expect(byId.get(pyConsumer.agentId)).toEqual(["python", "healthy"]);
          expect(byId.get(provider.agentId as string)).toEqual(["typescript", "healthy"]);
        },
        TEST_MS,
      );

      it(
        "our meshctl lists the Python agents, shows their wiring and calls their tools",
        async () => {
          const run = (...args: string[]) => meshctl(registry.url, ...args);
          await pollUntil(
            () => relayFromPython("string"),
            (r) => r.wired === true,
          );
          const list = await run("list");
          expect(list.code, list.stderr).toBe(0);
          expect(list.stdout).toContain(pyProvider.agentId);
          expect(list.stdout).toContain(pyConsumer.agentId);

          const status = await run("status", "py-consumer");
          expect(status.code, status.stderr).toBe(0);
          expect(status.stdout).toContain("(python, version 1.0.0)");
          expect(status.stdout).toMatch(new RegExp(`py_relay → ts_string: ✓ ${provider.agentId}:ts_string`));

          // A Python str comes back wrapped ({"result": ...} plus FastMCP's marker): printed as the str.
          const call = await run("call", "py-provider:py_string", '{"name": "Ada"}');
          expect(call, call.stderr).toMatchObject({ code: 0, stdout: "hello Ada from python\n" });
          const raw = await run("call", "py_dict", "--raw");
          expect(raw.code, raw.stderr).toBe(0);
          expect(JSON.parse(raw.stdout).structuredContent).toEqual({
            lang: "python",
            n: 1,
            nested: { ok: true, none: null },
          });
          const failed = await run("call", "py_error");
          expect(failed.code).toBe(1);
          expect(failed.stderr).toContain("python says no");
        },
        TEST_MS,
      );

      it(
        "a Python consumer's dependencies resolve to our TS provider and decode what it returns",
        async () => {
          const first = await pollUntil(
            () => relayFromPython("string"),
            (r) => r.wired === true,
          );
          expect(first).toEqual({ kind: "string", wired: true, type: "str", value: "hello Ada from typescript" });
          const got: Record<string, unknown> = {};
          for (const kind of ["number", "float", "bool", "object", "list", "null", "error"]) {
            got[kind] = await pollUntil(
              () => relayFromPython(kind),
              (r) => r.wired === true,
            );
          }
          expect(got).toEqual({
            number: { kind: "number", wired: true, type: "int", value: 42 },
            float: { kind: "float", wired: true, type: "float", value: 2.5 },
            bool: { kind: "bool", wired: true, type: "bool", value: true },
            object: {
              kind: "object",
              wired: true,
              type: "dict",
              value: { lang: "typescript", n: 1, nested: { ok: true, none: null } },
            },
            list: { kind: "list", wired: true, type: "list", value: [1, "two", { three: 3 }, null] },
            // Our handler's null goes out as "" text, as the reference TS SDK does (PROTOCOL.md
            // §4.2); the Python runtime hands its caller that empty string, not None.
            null: { kind: "null", wired: true, type: "str", value: "" },
            // A thrown error is an isError result; the Python proxy raises it as a RuntimeError.
            error: {
              kind: "error",
              wired: true,
              error: "RuntimeError",
              message: expect.stringContaining("typescript says no"),
            },
          });
        },
        TEST_MS,
      );

      it(
        "our TS consumer's dependencies resolve to the Python provider and decode what it returns",
        async () => {
          await waitForDependency(consumer, "py_string", { agentId: pyProvider.agentId, timeoutMs: WIRE_MS });
          expect(providers(consumer, "py_string")).toEqual([pyProvider.url]);
          const got: Record<string, Outcome> = {};
          for (const kind of PY_KINDS) {
            await waitForDependency(consumer, `py_${kind}`, { timeoutMs: WIRE_MS });
            got[kind] = await relayFromTs(kind);
          }
          expect(got).toEqual({
            string: { wired: true, value: "hello Ada from python" },
            number: { wired: true, value: 42 },
            float: { wired: true, value: 2.5 },
            bool: { wired: true, value: true },
            dict: { wired: true, value: { lang: "python", n: 1, nested: { ok: true, none: null } } },
            list: { wired: true, value: [1, "two", { three: 3 }, null] },
            // A Python tool returning None answers empty content: null here.
            none: { wired: true, value: null },
            // Without a return annotation FastMCP sends only the text "42": a string here, as the
            // reference TS SDK decodes it (only text starting with { or [ is parsed). A Python
            // consumer would get the int 42: the Python runtime JSON-parses any text.
            untyped: { wired: true, value: "42" },
            error: {
              wired: true,
              error: { code: ErrorCodes.REMOTE_TOOL_ERROR, message: expect.stringContaining("python says no") },
            },
          });
        },
        TEST_MS,
      );

      it(
        "tags and version constraints choose between the Python and the TS provider, the same for both consumers",
        async () => {
          const wiredAll = (picked: Record<string, unknown>) =>
            Object.entries(LANG_EXPECTED).every(([k, want]) => picked[k] === want);
          const fromPython = await pollUntil(
            async () => jsonOf(await callMcpTool(pyConsumer.url, "py_pick")),
            wiredAll,
          );
          expect(fromPython).toEqual(LANG_EXPECTED);
          const fromTs = await pollUntil(
            async () => (await consumer.callLocal("ts_pick")) as Record<string, unknown>,
            wiredAll,
          );
          expect(fromTs).toEqual(LANG_EXPECTED);
        },
        TEST_MS,
      );

      it(
        "a Python tool's own timeout (its kwargs) is what our consumer waits, unless the dependency sets one",
        async () => {
          const slowConsumer = tsSlowConsumer(registry.url);
          try {
            await slowConsumer.start();
            await waitForDependency(slowConsumer, "py_slow", { agentId: pyProvider.agentId, timeoutMs: WIRE_MS });
            expect(await slowConsumer.callLocal("ts_slow")).toEqual({
              slow: { wired: true, value: "slow but fine" },
              impatient: { wired: true, error: { code: ErrorCodes.TIMEOUT, message: expect.any(String) } },
            });
          } finally {
            await slowConsumer.stop();
          }
        },
        TEST_MS,
      );

      it(
        "the Python provider stops: our consumer's dependency becomes null, and re-wires when it returns",
        async () => {
          await waitForDependency(consumer, "py_string", { agentId: pyProvider.agentId, timeoutMs: WIRE_MS });
          await pyProvider.stop();
          await waitForDependency(consumer, "py_string", { unwired: true, timeoutMs: WIRE_MS });
          expect(await relayFromTs("string")).toEqual({ wired: false });

          pyProvider = await startPyProvider();
          await waitForDependency(consumer, "py_string", { agentId: pyProvider.agentId, timeoutMs: WIRE_MS });
          expect(await relayFromTs("string")).toEqual({ wired: true, value: "hello Ada from python" });
        },
        TEST_MS,
      );

      it(
        "our TS provider stops: the Python consumer's dependency becomes None, and re-wires when it returns",
        async () => {
          const wired = (r: { wired: boolean }) => r.wired;
          expect(await pollUntil(() => relayFromPython("number"), wired)).toMatchObject({ wired: true, value: 42 });
          await provider.stop();
          expect(
            await pollUntil(
              () => relayFromPython("number"),
              (r) => !wired(r),
            ),
          ).toEqual({
            kind: "number",
            wired: false,
          });

          provider = tsProvider(registry.url);
          await provider.start();
          expect(await pollUntil(() => relayFromPython("number"), wired)).toEqual({
            kind: "number",
            wired: true,
            type: "int",
            value: 42,
          });
        },
        TEST_MS,
      );
    },
  );
}
