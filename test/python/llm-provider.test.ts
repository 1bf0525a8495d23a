// A reference Python @mesh.llm consumer (mcp-mesh 3.7.1, a real process) whose LLM is our
// TypeScript provider, pointed at the scripted model, and whose LLM tools are our TypeScript
// tools: the Python runtime builds the request (tools with _mesh_endpoint), our provider runs
// the loop and the tools, the Python runtime parses our envelope. Our registry, as a process.
import { type MeshAgent, mesh } from "@mcp-mesh/sdk";
import { type ScriptedLlm, startScriptedLlm } from "@mcp-mesh/sdk/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { missingOurs, startOurRegistry } from "../interop/ours.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { callMcpTool } from "./mcp-call.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const TEST_MS = 150_000;

describeWithPrerequisites(
  "a Python @mesh.llm consumer using our TypeScript LLM provider",
  [...missingPython(), ...missingOurs()],
  () => {
    let registry: RegistryProcess;
    let llm: ScriptedLlm;
    let provider: MeshAgent;
    let tools: MeshAgent;
    let consumer: PythonAgent;
    const added: Array<{ a: number; b: number }> = [];

    const agent = (name: string) =>
      mesh.agent({
        name,
        httpPort: 0,
        httpHost: "127.0.0.1",
        bindHost: "127.0.0.1",
        registryUrl: registry.url,
        heartbeatInterval: 1,
        autoRun: false,
        handleSignals: false,
        logLevel: "silent",
        env: {},
      });

    beforeAll(async () => {
      [registry, llm] = await Promise.all([startOurRegistry(), startScriptedLlm()]);
      provider = agent("ts-llm-provider").llmProvider({
        model: "openai-compatible/scripted-model",
        baseURL: llm.url,
        tags: ["scripted"],
        name: "ts_provider",
        maxRetries: 0,
      });
      tools = agent("ts-math").tool({
        name: "add",
        tags: ["math"],
        description: "Add two numbers",
        input: { a: z.number(), b: z.number() },
        handler: ({ a, b }) => {
          added.push({ a, b });
          return a + b;
        },
      });
      [consumer] = await Promise.all([
        startPythonAgent("py_llm_consumer.py", { registryUrl: registry.url, name: "py-llm-consumer" }),
        provider.start(),
        tools.start(),
      ]);
    }, 180_000);

    afterAll(async () => {
      await Promise.allSettled([consumer?.stop(), provider?.stop(), tools?.stop()]);
      await registry?.stop();
      await llm?.close();
    });

    /** Calls a Python tool until its LLM (and tools) are wired: the Python runtime re-wires on its heartbeat. */
    async function untilWired(
      tool: string,
      args: Record<string, unknown>,
      wired: (text: string) => boolean,
    ): Promise<string> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const r = await callMcpTool(consumer.url, tool, args);
        const text = (r.content ?? []).map((c) => c.text ?? "").join("");
        if (wired(text) || Date.now() > deadline) return text;
        await new Promise((res) => setTimeout(res, 500));
      }
    }

    it(
      "a str answer comes back through our provider; the Python runtime sends buffered calls to the buffered tool",
      async () => {
        // While the LLM is not wired py_chat answers "no llm wired"; the scripted turn waits.
        llm.push({ text: "Hello from the scripted model" });
        const text = await untilWired("py_chat", { message: "hi" }, (t) => t !== "no llm wired");
        expect(text).toContain("Hello from the scripted model");
        const seen = llm.requests.at(-1);
        expect(seen?.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("Be brief.") });
        expect(seen?.messages.at(-1)).toEqual({ role: "user", content: "hi" });
        // The buffered tool (the Python runtime excludes ai.mcpmesh.stream) calls the model buffered.
        expect(seen?.stream).toBe(false);
      },
      TEST_MS,
    );

    it(
      "a structured answer after our provider ran the Python consumer's mesh tool with the model's arguments",
      async () => {
        const before = llm.requests.length;
        llm.push(
          { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] },
          { json: { answer: 5, explanation: "2 + 3 = 5" } },
        );
        const r = await callMcpTool(consumer.url, "py_calc", { question: "What is 2 + 3?" });
        expect(r.isError, JSON.stringify(r)).not.toBe(true);
        const text = (r.content ?? []).map((c) => c.text ?? "").join("");
        expect(JSON.parse(text)).toEqual({ answer: 5, explanation: "2 + 3 = 5" });
        expect(added).toContainEqual({ a: 2, b: 3 });
        const [first, second] = llm.requests.slice(before);
        // The Python runtime offered our tool (with its endpoint, which our provider stripped) and its schema.
        expect(first?.tools?.map((t) => (t.function as { name: string }).name)).toEqual(["add"]);
        expect(JSON.stringify(first?.tools)).not.toContain("_mesh_endpoint");
        expect(first?.response_format).toMatchObject({ type: "json_schema" });
        expect(second?.messages.at(-1)).toMatchObject({ role: "tool", content: "5" });
      },
      TEST_MS,
    );

    it(
      "a streaming Python consumer gets our _stream twin's chunks",
      async () => {
        llm.push({ text: "one two three", chunks: ["one ", "two ", "three"] });
        const r = await callMcpTool(consumer.url, "py_stream_chat", { message: "count" });
        expect(r.isError, JSON.stringify(r)).not.toBe(true);
        expect((r.content ?? []).map((c) => c.text ?? "").join("")).toBe("one two three");
        // Through the _stream twin, which streams from the model.
        expect(llm.requests.at(-1)?.stream).toBe(true);
        // A caller that asks for progress gets the Python tool's chunks: our frames, parsed by the Python runtime.
        llm.push({ text: "one two three", chunks: ["one ", "two ", "three"] });
        const res = await fetch(`${consumer.url}/mcp`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 7,
            method: "tools/call",
            params: { name: "py_stream_chat", arguments: { message: "count" }, _meta: { progressToken: "p1" } },
          }),
        });
        const events = (await res.text())
          .split(/\r?\n/)
          .filter((l) => l.startsWith("data:"))
          .map((l) => JSON.parse(l.slice(5)));
        const chunks = events.filter((e) => e.method === "notifications/progress").map((e) => e.params.message);
        expect(chunks).toEqual(["one ", "two ", "three"]);
      },
      TEST_MS,
    );
  },
);
