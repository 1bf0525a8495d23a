// A mixed mesh outlives a restart of our registry: killed (no goodbye) and started again empty
// at the same address, it learns the Python agents back from their heartbeats as it does ours,
// calls keep working both ways meanwhile, and the new registry's resolutions drive the wiring
// (a provider that leaves afterwards unwires its consumers in both languages).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MeshAgent } from "@mcp-mesh/sdk";
import { waitForDependency } from "@mcp-mesh/sdk/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startOurRegistryAt } from "../../packages/sdk/test/agent-processes.js";
import { missingOurs } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { freePort } from "../interop/processes.js";
import { callMcpTool, jsonOf } from "./mcp-call.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";
import { type Outcome, tsConsumer, tsProvider } from "./ts-agents.js";

const WAIT_MS = 45_000;
// Generous: Python agents are slow on a loaded 2-core machine; the waits inside are bounded anyway.
const TEST_MS = 150_000;

async function pollUntil<T>(probe: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describeWithPrerequisites(
  "a mixed mesh across a restart of our registry",
  [...missingPython(), ...missingOurs()],
  () => {
    let dir = "";
    let registry: Awaited<ReturnType<typeof startOurRegistryAt>>;
    let pyProvider: PythonAgent;
    let pyConsumer: PythonAgent;
    let provider: MeshAgent;
    let consumer: MeshAgent;
    const fromPython = async () => jsonOf(await callMcpTool(pyConsumer.url, "py_relay", { kind: "number" }));
    const fromTs = () => consumer.callLocal("ts_relay", { kind: "number" }) as Promise<Outcome>;
    const listed = async () => {
      // An empty registry lists `"agents": null`, as the reference does.
      const { agents } = (await (await fetch(`${registry.url}/agents`)).json()) as {
        agents: { id: string; status: string }[] | null;
      };
      return (agents ?? [])
        .filter((a) => a.status === "healthy")
        .map((a) => a.id)
        .sort();
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "mesh-python-restart-"));
      const port = await freePort();
      registry = await startOurRegistryAt(port, join(dir, "before.db"));
      provider = tsProvider(registry.url);
      consumer = tsConsumer(registry.url);
      [pyProvider, pyConsumer] = await Promise.all([
        startPythonAgent("py_provider.py", { registryUrl: registry.url, name: "py-provider" }),
        startPythonAgent("py_consumer.py", { registryUrl: registry.url, name: "py-consumer" }),
        provider.start(),
        consumer.start(),
      ]);
    }, 180_000);

    afterAll(async () => {
      await Promise.allSettled([pyProvider?.stop(), pyConsumer?.stop(), provider?.stop(), consumer?.stop()]);
      await registry?.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      "the Python agents re-register with the new registry and the wiring follows it",
      async () => {
        expect(await pollUntil(fromPython, (r) => r.wired)).toMatchObject({ wired: true, value: 42 });
        await waitForDependency(consumer, "py_number", { agentId: pyProvider.agentId, timeoutMs: WAIT_MS });

        const port = Number(new URL(registry.url).port);
        await registry.kill();
        registry = await startOurRegistryAt(port, join(dir, "after.db"));
        const everyone = [pyProvider.agentId, pyConsumer.agentId, provider.agentId, consumer.agentId].sort();
        expect(await pollUntil(listed, (ids) => everyone.every((id) => id !== undefined && ids.includes(id)))).toEqual(
          everyone,
        );
        // A consumer that re-registered before its provider is wired at its next heartbeat.
        expect(await pollUntil(fromPython, (r) => r.wired)).toEqual({
          kind: "number",
          wired: true,
          type: "int",
          value: 42,
        });
        expect(await pollUntil(fromTs, (r) => r.wired)).toEqual({ wired: true, value: 42 });

        await pyProvider.stop();
        await waitForDependency(consumer, "py_number", { unwired: true, timeoutMs: WAIT_MS });
        expect(await fromTs()).toEqual({ wired: false });
        await provider.stop();
        expect(await pollUntil(fromPython, (r) => !r.wired)).toEqual({ kind: "number", wired: false });
      },
      TEST_MS,
    );
  },
);
