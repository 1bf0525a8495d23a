// The provider loop against the AI SDK's mock model (ai/test): what the model is sent and what
// the envelope says, with tools run over real HTTP on a standalone agent.
import type { LanguageModelV3CallOptions, LanguageModelV3Content } from "@ai-sdk/provider";
import { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createDispatcher } from "../../client/tools-call.js";
import { createTestMesh, type TestMesh } from "../../testing/index.js";
import { newContext } from "../../tool-context.js";
import { type LoopInput, runProviderLoop } from "./loop.js";
import { readParams } from "./request.js";

const usage = (i: number, o: number) => ({
  inputTokens: { total: i, noCache: i, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: o, text: o, reasoning: undefined },
});
const text = (t: string) => ({
  content: [{ type: "text", text: t }] as LanguageModelV3Content[],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage: usage(10, 2),
  warnings: [],
});
const calls = (...cs: Array<[string, unknown]>) => ({
  content: cs.map(([name, input], i) => ({
    type: "tool-call",
    toolCallId: `c${i}`,
    toolName: name,
    input: JSON.stringify(input),
  })) as LanguageModelV3Content[],
  finishReason: { unified: "tool-calls" as const, raw: "tool_calls" },
  usage: usage(20, 5),
  warnings: [],
});

/** A mock model answering `turns` in order and keeping the prompts it was sent. */
function scripted(turns: Array<ReturnType<typeof text> | ReturnType<typeof calls>>) {
  const seen: LanguageModelV3CallOptions[] = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (opts) => {
      seen.push(opts);
      const t = turns.shift();
      if (!t) throw new Error("mock model: no turn left");
      return t;
    },
  });
  return { model, seen };
}

let mesh: TestMesh;
let endpoint: string;
const dispatcher = createDispatcher();
const added: unknown[] = [];

beforeAll(async () => {
  mesh = await createTestMesh({ registry: false });
  const tools = mesh.agent({ name: "math" });
  tools.tool({
    name: "add",
    input: { a: z.number(), b: z.number() },
    handler: ({ a, b }) => {
      added.push({ a, b });
      return a + b;
    },
  });
  tools.tool({
    name: "broken",
    handler: () => {
      throw new Error("disk on fire");
    },
  });
  await mesh.start();
  endpoint = tools.url as string;
});
afterAll(async () => {
  await mesh.close();
  await dispatcher.close();
});

function input(model: MockLanguageModelV3, request: Record<string, unknown>, vendor = "openai"): LoopInput {
  const req = {
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "2+3?" },
    ],
    ...request,
  } as LoopInput["request"];
  return {
    model,
    modelName: `${vendor}/mock`,
    vendor,
    request: req,
    params: readParams(req.model_params, {}, {}),
    runner: { dispatcher, ctx: newContext(undefined, undefined, {}), timeoutMs: 10_000, registered: async () => true },
    maxRetries: 0,
  };
}

const addTool = (withEndpoint: boolean) => ({
  type: "function",
  function: {
    name: "add",
    description: "Add",
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    ...(withEndpoint && { _mesh_endpoint: endpoint }),
  },
});

describe("provider loop", () => {
  it("runs _mesh_endpoint tools itself, feeds results back and sums usage", async () => {
    added.length = 0;
    const { model, seen } = scripted([calls(["add", { a: 2, b: 3 }]), text("2 + 3 = 5")]);
    const env = await runProviderLoop(input(model, { tools: [addTool(true)] }));
    expect(env).toEqual({
      role: "assistant",
      content: "2 + 3 = 5",
      _mesh_usage: { prompt_tokens: 30, completion_tokens: 7, model: "openai/mock" },
    });
    expect(added).toEqual([{ a: 2, b: 3 }]);
    const toolMsg = seen[1]?.prompt.at(-1);
    expect(toolMsg?.role).toBe("tool");
    expect(JSON.stringify(toolMsg?.content)).toContain('"value":"5"');
    // The endpoint is the provider's business: the vendor sees a plain function tool.
    expect(JSON.stringify(seen[0]?.tools)).not.toContain("_mesh_endpoint");
  });

  it("returns tool_calls in the envelope when tools carry no endpoint (legacy path)", async () => {
    const { model } = scripted([calls(["add", { a: 1, b: 1 }])]);
    const env = await runProviderLoop(input(model, { tools: [addTool(false)] }));
    expect(env.content).toBe("");
    expect(env.tool_calls).toEqual([
      { id: "c0", type: "function", function: { name: "add", arguments: '{"a":1,"b":1}' } },
    ]);
  });

  it("stops at max_iterations with the last assistant text and the stop reason", async () => {
    const { model, seen } = scripted([calls(["add", { a: 1, b: 2 }]), calls(["add", { a: 3, b: 4 }]), text("never")]);
    const env = await runProviderLoop(input(model, { tools: [addTool(true)], model_params: { max_iterations: 2 } }));
    expect(env._mesh_stop_reason).toBe("max_iterations");
    expect(env.content).toBe("");
    expect(seen).toHaveLength(2);
    expect(env._mesh_usage.prompt_tokens).toBe(40);
  });

  it("a failing or unknown tool becomes an {error} tool message and the model recovers", async () => {
    const { model, seen } = scripted([calls(["broken", {}], ["nope", {}]), text("sorry, could not")]);
    const broken = { type: "function", function: { name: "broken", parameters: {}, _mesh_endpoint: endpoint } };
    const env = await runProviderLoop(input(model, { tools: [broken], model_params: { parallel_tool_calls: true } }));
    expect(env.content).toBe("sorry, could not");
    const results = JSON.stringify(seen[1]?.prompt.at(-1)?.content);
    expect(results).toContain("disk on fire");
    expect(results).toContain("Tool nope not available");
  });

  it("asks the vendor for native structured output from output_schema, and tolerates unknown params", async () => {
    const { model, seen } = scripted([text('{"answer":5}')]);
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };
    const env = await runProviderLoop(
      input(model, {
        model_params: {
          output_schema: schema,
          output_type_name: "Answer",
          response_format: { type: "json_schema" },
          _mesh_gemini_response_json_schema: true,
          temperature: 0.2,
          max_tokens: 50,
        },
      }),
    );
    expect(env.content).toBe('{"answer":5}');
    expect(seen[0]?.responseFormat).toMatchObject({ type: "json", schema, name: "Answer" });
    expect(seen[0]?.temperature).toBe(0.2);
    expect(seen[0]?.maxOutputTokens).toBe(50);
  });

  it("uses a schema hint in the system prompt for Gemini with tools, and when output_mode is hint", async () => {
    const schema = { type: "object", properties: { answer: { type: "number" } } };
    const gemini = scripted([text('{"answer":1}')]);
    await runProviderLoop(
      input(gemini.model, { tools: [addTool(true)], model_params: { output_schema: schema } }, "gemini"),
    );
    expect(gemini.seen[0]?.responseFormat?.type).not.toBe("json");
    expect(JSON.stringify(gemini.seen[0]?.prompt[0])).toContain("JSON schema");
    const hinted = scripted([text("{}")]);
    await runProviderLoop(input(hinted.model, { model_params: { output_schema: schema, output_mode: "hint" } }));
    expect(JSON.stringify(hinted.seen[0]?.prompt[0])).toMatch(/be brief.*JSON schema/s);
  });
});
