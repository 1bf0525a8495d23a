// Vendors as a user meets them: model strings checked at start(), an OpenAI-compatible local
// server reached by baseURL (the scripted model), model overrides, a missing vendor package.
import { ErrorCodes } from "@mcp-mesh/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestMesh, type TestMesh } from "../testing/index.js";
import { type ScriptedLlm, startScriptedLlm } from "../testing/scripted-llm.js";
import { loadModel, parseModel } from "./vendors.js";

let mesh: TestMesh | undefined;
let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await mesh?.close();
  await llm?.close();
  mesh = undefined;
  llm = undefined;
});

const request = (modelParams: Record<string, unknown> = {}) => ({
  request: { messages: [{ role: "user", content: "hi" }], model_params: modelParams },
});

describe("vendors", () => {
  it("refuses a model string that is not vendor/model or names an unknown vendor", () => {
    expect(parseModel("claude-sonnet-4-5")).toEqual({ problem: expect.stringContaining('must be "vendor/model"') });
    expect(parseModel("bedrock/claude")).toEqual({ problem: expect.stringContaining('unknown vendor "bedrock"') });
    expect(parseModel("Gemini/gemini-2.5-flash")).toEqual({ vendor: "gemini", modelId: "gemini-2.5-flash" });
  });

  it("stops start() with every provider problem listed", async () => {
    mesh = await createTestMesh({ registry: false });
    const agent = mesh.agent({ name: "bad-providers" });
    agent.llmProvider({ model: "gpt-4o" });
    agent.llmProvider({ model: "openai-compatible/my-model", name: "second" });
    await expect(agent.start()).rejects.toMatchObject({
      code: ErrorCodes.CONFIG_INVALID,
      message: expect.stringMatching(/gpt-4o.*vendor\/model[\s\S]*openai-compatible\/my-model.*needs baseURL/),
    });
  });

  it("names the package to install when a vendor's AI SDK package is missing", async () => {
    // @ai-sdk/google-vertex is an optional peer this repository does not install.
    await expect(
      loadModel("vertex_ai/gemini-2.5-flash", { baseURL: undefined, apiKey: undefined, env: {} }),
    ).rejects.toMatchObject({
      code: ErrorCodes.LLM_VENDOR_MISSING,
      message: expect.stringContaining("npm install @ai-sdk/google-vertex@4"),
    });
    mesh = await createTestMesh({ registry: false });
    const agent = mesh.agent({ name: "vertex-provider" });
    agent.llmProvider({ model: "vertex_ai/gemini-2.5-flash" });
    await mesh.start();
    await expect(mesh.call(agent, "process_chat", request())).rejects.toThrow(
      /llm_vendor_missing: the AI SDK provider package @ai-sdk\/google-vertex is not installed/,
    );
  });

  it("reaches an OpenAI-compatible local vendor by baseURL and honours a same-vendor model override only", async () => {
    llm = await startScriptedLlm({ script: [{ text: "a" }, { text: "b" }, { text: "c" }] });
    mesh = await createTestMesh({ registry: false });
    const agent = mesh.agent({ name: "ollama-provider" });
    agent.llmProvider({ model: "ollama/llama3", baseURL: llm.url, maxRetries: 0 });
    await mesh.start();
    const first = (await mesh.call(agent, "process_chat", request())) as {
      content: string;
      _mesh_usage: { model: string };
    };
    expect(first).toMatchObject({ content: "a", _mesh_usage: { model: "ollama/llama3" } });
    await mesh.call(agent, "process_chat", request({ model: "ollama/llama3.2" }));
    await mesh.call(agent, "process_chat", request({ model: "openai/gpt-4o" }));
    expect(llm.requests.map((r) => r.model)).toEqual(["llama3", "llama3.2", "llama3"]);
  });

  it("keeps the AI SDK's warnings off the console (they go to the agent's log)", async () => {
    llm = await startScriptedLlm({ script: [{ text: "ok" }] });
    mesh = await createTestMesh({ registry: false });
    const agent = mesh.agent({ name: "quiet-provider" });
    agent.llmProvider({ model: "vllm/m", baseURL: llm.url, maxRetries: 0 });
    await mesh.start();
    const warn = vi.spyOn(console, "warn");
    const info = vi.spyOn(console, "info");
    try {
      // top_k is not an OpenAI-compatible setting: the AI SDK warns about it.
      await mesh.call(agent, "process_chat", request({ top_k: 3 }));
      expect(warn).not.toHaveBeenCalled();
      expect(info).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      info.mockRestore();
    }
  });
});
