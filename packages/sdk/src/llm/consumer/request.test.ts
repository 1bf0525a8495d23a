// Request building against the reference's golden round (LLM-WIRE.md §1.5 A) and templates.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { normalizeTool } from "../../tool.js";
import { llmRegistration, normalizeLlm } from "./declaration.js";
import { buildMessages, buildRequest, modelParams } from "./request.js";
import { packageRoot, promptContext } from "./template.js";

const add = {
  name: "add",
  capability: "adder",
  description: "Add two numbers",
  inputSchema: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
  },
  tags: ["math"],
  version: "1.0.0",
  endpoint: "http://localhost:9002",
};

describe("the MeshLlmRequest", () => {
  it("is the reference's golden request for one tool-calling round", () => {
    const problems: string[] = [];
    const spec = normalizeLlm(
      {
        provider: { capability: "llm", tags: ["claude"] },
        filter: ["adder"],
        systemPrompt: "You are a calculator assistant.",
        maxIterations: 5,
        modelParams: { max_tokens: 1024, temperature: 0.2 },
      },
      undefined,
      "tool",
      problems,
    );
    expect(problems).toEqual([]);
    const system = spec.prompt.render({});
    const request = buildRequest(
      buildMessages(system, "What is 2 + 3?", true, false),
      [add],
      modelParams(spec, undefined, 5),
    );
    expect(request).toEqual({
      messages: [
        {
          role: "system",
          content:
            "You are a calculator assistant.\n\nYou have access to tools. Use them when needed to gather information.",
        },
        { role: "user", content: "What is 2 + 3?" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "add",
            description: "Add two numbers",
            parameters: add.inputSchema,
            _mesh_endpoint: "http://localhost:9002",
          },
        },
      ],
      model_params: { max_tokens: 1024, temperature: 0.2, max_iterations: 5 },
      context: null,
      request_id: null,
      caller_agent: null,
    });
    expect(llmRegistration(spec)).toEqual({
      llm_provider: { capability: "llm", tags: ["claude", "-ai.mcpmesh.stream"] },
      llm_filter: { filter: [{ capability: "adder" }], filter_mode: "all" },
    });
  });

  it("no tools: tools null, no nudge; nothing chosen: model_params null, no max_iterations", () => {
    const spec = normalizeLlm({ provider: "llm" }, undefined, "t", []);
    const r = buildRequest(
      buildMessages(spec.prompt.render({}), "hi", false, false),
      [],
      modelParams(spec, undefined, undefined),
    );
    expect(r.messages).toEqual([
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "hi" },
    ]);
    expect(r.tools).toBeNull();
    expect(r.model_params).toBeNull();
  });

  it("structured output sends output_schema and output_type_name (the schema's title)", () => {
    const Out = z.object({ answer: z.number() }).meta({ title: "CalcAnswer" });
    const spec = normalizeLlm({ provider: "llm", parallelToolCalls: true }, Out, "t", []);
    expect(modelParams(spec, { temperature: 0 }, undefined)).toEqual({
      temperature: 0,
      output_schema: expect.objectContaining({ type: "object", required: ["answer"] }),
      output_type_name: "CalcAnswer",
      parallel_tool_calls: true,
    });
  });

  it("a message list keeps its turns; the system prompt replaces a leading one", () => {
    expect(
      buildMessages(
        "S",
        [
          { role: "system", content: "old" },
          { role: "user", content: "u" },
        ],
        false,
        false,
      ),
    ).toEqual([
      { role: "system", content: "S" },
      { role: "user", content: "u" },
    ]);
  });

  it("filters: '*', names and objects become objects; filterMode '*' alone still sends a filter", () => {
    const reg = (filter: any, filterMode?: any) =>
      llmRegistration(normalizeLlm({ provider: "llm", filter, filterMode }, undefined, "t", [])).llm_filter;
    expect(reg("*")).toEqual({ filter: [{}], filter_mode: "all" });
    expect(reg(["a", { capability: "b", tags: ["x"], version: ">=1" }], "best_match")).toEqual({
      filter: [{ capability: "a" }, { capability: "b", tags: ["x"], version: ">=1" }],
      filter_mode: "best_match",
    });
    expect(reg(undefined, "*")).toEqual({ filter: [{}], filter_mode: "*" });
    expect(reg(undefined)).toBeUndefined();
    const tags = normalizeLlm({ provider: { capability: "llm", tags: ["+ai.mcpmesh.stream"] } }, undefined, "t", []);
    expect(tags.provider.tags).toEqual(["+ai.mcpmesh.stream"]);
  });

  it("an llm option that is not an object is a problem of the tool", () => {
    const problems: string[] = [];
    normalizeTool({ name: "t", llm: null as never, handler: () => "" }, problems);
    normalizeTool({ name: "u", llm: "llm" as never, handler: () => "" }, problems);
    expect(problems).toEqual([
      'tool "t": llm must be an object ({ provider, filter, ... })',
      'tool "u": llm must be an object ({ provider, filter, ... })',
    ]);
  });

  it("bad declarations are problems, not crashes", () => {
    const problems: string[] = [];
    normalizeLlm(
      { provider: "", filterMode: "some" as never, maxIterations: 0, systemPrompt: "{% if %}", filter: [3 as never] },
      undefined,
      'tool "x"',
      problems,
    );
    expect(problems).toEqual([
      expect.stringMatching(/provider needs a capability/),
      expect.stringMatching(/filterMode must be/),
      expect.stringMatching(/maxIterations must be/),
      expect.stringMatching(/filter entries must be/),
      expect.stringMatching(/systemPrompt is not a valid template/),
    ]);
  });
});

describe("prompt templates", () => {
  it("file:// is relative to the package root (nearest package.json above the entry); Jinja2 syntax renders", () => {
    const root = mkdtempSync(join(tmpdir(), "llm-tpl-"));
    mkdirSync(join(root, "src", "prompts"), { recursive: true });
    writeFileSync(join(root, "package.json"), "{}");
    writeFileSync(join(root, "src", "prompts", "base.jinja2"), "Hello {{ user.name | upper }}");
    writeFileSync(
      join(root, "src", "prompts", "x.jinja2"),
      "{% include 'base.jinja2' %}{% for t in topics %}, {{ t }}{% endfor %}{% if not topics %} (none){% endif %}\n",
    );
    expect(packageRoot(join(root, "src", "main.js"), "/elsewhere")).toBe(root);
    expect(packageRoot(join(root, "node_modules", "vitest", "cli.js"), "/cwd")).toBe("/cwd");
    const problems: string[] = [];
    const spec = normalizeLlm(
      { provider: "llm", systemPrompt: "file://src/prompts/x.jinja2" },
      undefined,
      "t",
      problems,
      root,
    );
    expect(problems).toEqual([]);
    expect(spec.prompt.render({ user: { name: "ada" }, topics: ["a", "b"] })).toBe("Hello ADA, a, b");
    expect(spec.prompt.render({ user: { name: "bo" } })).toBe("Hello BO (none)");
    const missing: string[] = [];
    normalizeLlm({ provider: "llm", systemPrompt: "file://nope.njk" }, undefined, "t", missing, root);
    expect(missing).toEqual([expect.stringMatching(/systemPrompt file not found: .*nope\.njk/)]);
  });

  it("context: the contextParam value's fields (or itself under its name), then the call's context", () => {
    expect(promptContext({ user: { name: "a", x: 1 } }, "user", { x: 2 })).toEqual({ name: "a", x: 2 });
    expect(promptContext({ question: "why?" }, "question", undefined)).toEqual({ question: "why?" });
    expect(promptContext({}, undefined, { y: 1 })).toEqual({ y: 1 });
  });
});
