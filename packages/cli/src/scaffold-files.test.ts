// The scaffold templates' files (pure): what each template writes.
import { describe, expect, it } from "vitest";
import { scaffoldFiles } from "./scaffold-files.js";

const base = {
  name: "advisor",
  port: 0,
  description: "d",
  meshPackages: { "@mcp-mesh/sdk": "^1.0.0", "@mcp-mesh/cli": "^1.0.0" },
};

describe("scaffold templates", () => {
  it("llm: a tool with the llm option, its prompt file, a README pointing at docs/llm.md", () => {
    const files = scaffoldFiles({ ...base, template: "llm" });
    expect(Object.keys(files).sort()).toEqual([
      ".gitignore",
      "README.md",
      "index.ts",
      "package.json",
      "prompts/advisor.njk",
      "tsconfig.json",
    ]);
    expect(files["index.ts"]).toMatch(/llm: \{\n {4}provider: \{ capability: "llm", tags: \["\+claude"\] \}/);
    expect(files["index.ts"]).toContain('systemPrompt: "file://prompts/advisor.njk"');
    expect(files["prompts/advisor.njk"]).toContain("{{ tone }}");
    expect(files["README.md"]).toContain("docs/llm.md");
  });

  it("llm-provider: agent.llmProvider and the vendor's AI SDK package", () => {
    const files = scaffoldFiles({ ...base, name: "claude-provider", template: "llm-provider" });
    expect(files["index.ts"]).toMatch(/agent\.llmProvider\(\{\n {2}model: "anthropic\/claude-sonnet-4-5"/);
    expect(JSON.parse(files["package.json"] as string).dependencies["@ai-sdk/anthropic"]).toBe("^3.0.140");
    expect(files["README.md"]).toContain("call process_chat");
  });

  it("basic stays as it was", () => {
    const files = scaffoldFiles(base);
    expect(files["index.ts"]).toContain('dependencies: { date: "date_service" }');
    expect(files["prompts/advisor.njk"]).toBeUndefined();
  });
});
