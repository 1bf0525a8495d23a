// Streaming across the language boundary, on our registry and on the reference registry binary:
// a reference Python `-> mesh.Stream[str]`
// tool read by our `dep.stream()`, and our streaming TypeScript tool read by the Python proxy's
// `.stream()` (agents/py_streamer.py). Chunk order and interleaving are asserted with a gate
// file the producer waits for, never by timing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MeshAgent, mesh } from "@mcp-mesh/sdk";
import { callToolHttp, createDispatcher } from "@mcp-mesh/sdk/client";
import { waitForDependency } from "@mcp-mesh/sdk/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { missingReferenceBinaries, startReferenceRegistry } from "../interop/reference.js";
import { callMcpTool, jsonOf } from "./mcp-call.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const TEST_MS = 150_000;

function tsAgent(registryUrl: string): MeshAgent {
  const agent = mesh.agent({
    name: "ts-streamer",
    registryUrl,
    httpPort: 0,
    httpHost: "127.0.0.1",
    bindHost: "127.0.0.1",
    heartbeatInterval: 1,
    logLevel: "silent",
    autoRun: false,
    handleSignals: false,
    env: {},
  });
  agent.tool({
    name: "ts_words",
    input: { gate: z.string() },
    async *handler({ gate }) {
      yield "one ";
      for (let i = 0; i < 1500 && !existsSync(gate); i++) await new Promise((r) => setTimeout(r, 20));
      yield "two ";
      yield "three";
    },
  });
  agent.tool({
    name: "ts_relay_py",
    input: { gate: z.string() },
    dependencies: { words: { capability: "py_words", timeout: 60_000 } },
    async *handler({ gate }, { words }) {
      if (!words) throw new Error("py_words is not wired");
      for await (const chunk of words.stream({ gate })) yield `<${chunk}>`;
    },
  });
  return agent;
}

const registries: [string, () => string[], () => Promise<RegistryProcess>][] = [
  ["our registry", missingOurs, () => startOurRegistry()],
  ["the reference registry", () => missingReferenceBinaries("mcp-mesh-registry"), () => startReferenceRegistry()],
];

for (const [registryName, missingRegistry, startRegistry] of registries)
  describeWithPrerequisites(
    `streaming between Python and TypeScript agents on ${registryName}`,
    [...missingPython(), ...missingRegistry()],
    () => {
      let registry: RegistryProcess;
      let py: PythonAgent;
      let ts: MeshAgent;
      const dir = mkdtempSync(join(tmpdir(), "mesh-py-stream-"));
      const dispatcher = createDispatcher();

      beforeAll(async () => {
        registry = await startRegistry();
        ts = tsAgent(registry.url);
        [py] = await Promise.all([
          startPythonAgent("py_streamer.py", { registryUrl: registry.url, name: "py-streamer" }),
          ts.start(),
        ]);
        await waitForDependency(ts, "py_words", { timeoutMs: 45_000 });
      }, 180_000);
      afterAll(async () => {
        await Promise.allSettled([py?.stop(), ts?.stop()]);
        await registry?.stop();
        await dispatcher.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it(
        "our dep.stream() reads a Python Stream[str] tool chunk by chunk, while it still runs",
        async () => {
          const gate = join(dir, "py-gate");
          const chunks: string[] = [];
          let first: () => void = () => {};
          const sawFirst = new Promise<void>((r) => (first = r));
          let answered = false;
          const call = callToolHttp(dispatcher, {
            url: `${ts.url}/mcp`,
            tool: "ts_relay_py",
            args: { gate },
            timeoutMs: 60_000,
            progressToken: "t",
            onNotification: (n) => {
              if (n.method !== "notifications/progress") return;
              chunks.push(n.params.message as string);
              first();
            },
          }).then((r) => {
            answered = true;
            return r;
          });
          await sawFirst;
          expect(chunks).toEqual(["<uno >"]); // the Python tool is blocked on the gate
          expect(answered).toBe(false);
          writeFileSync(gate, "");
          const r = await call;
          expect(chunks).toEqual(["<uno >", "<dos >", "<tres>"]);
          expect(r.result?.content?.[0]?.text).toBe("<uno ><dos ><tres>");
        },
        TEST_MS,
      );

      it(
        "the Python proxy's .stream() reads our streaming tool chunk by chunk",
        async () => {
          const gate = join(dir, "ts-gate");
          writeFileSync(gate, "");
          let out: { wired: boolean; chunks?: string[] } = { wired: false };
          const deadline = Date.now() + 45_000;
          while (!out.wired && Date.now() < deadline) {
            out = jsonOf(await callMcpTool(py.url, "py_stream_ts", { gate }));
            if (!out.wired) await new Promise((r) => setTimeout(r, 250));
          }
          // One item per chunk: the chunks came as progress, not as the buffered fallback.
          expect(out, py.output()).toEqual({ wired: true, chunks: ["one ", "two ", "three"] });
        },
        TEST_MS,
      );
    },
  );
