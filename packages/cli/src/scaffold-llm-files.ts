// The agent sources of `meshctl scaffold --template llm` (a tool with an injected LLM and a
// Nunjucks prompt) and `--template llm-provider` (a vendor model as a mesh LLM provider).
import type { ScaffoldOptions } from "./scaffold-files.js";

export function llmAgentIndex(o: ScaffoldOptions, tool: string): string {
  return `// ${o.name}: an MCP Mesh agent whose tool asks an LLM. The LLM is a mesh provider chosen by
// tags (scaffold one with \`meshctl scaffold my-llm --template llm-provider\`); its model may call
// the mesh tools the filter names. Run it with \`meshctl start .\`.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({
  name: "${o.name}",
  httpPort: ${o.port}, // 0 = any free port; MCP_MESH_HTTP_PORT overrides it
  description: ${JSON.stringify(o.description)},
});

agent.tool({
  name: "${tool}",
  capability: "${o.name}.ask",
  description: "Answers a question with an LLM that may use the mesh's tools",
  input: { question: z.string(), tone: z.string().default("friendly") },
  // The answer's shape: the provider is asked for it and the reply is validated against it.
  output: z.object({ answer: z.string(), confidence: z.number().min(0).max(1) }),
  llm: {
    provider: { capability: "llm", tags: ["+claude"] }, // any "llm" provider, Claude preferred
    filter: [{ tags: ["tools"] }], // mesh tools tagged "tools"; "*" for every tool
    filterMode: "all",
    maxIterations: 5,
    systemPrompt: "file://prompts/${o.name}.njk", // relative to this package's root
    contextParam: "tone", // the template sees {{ tone }}
  },
  // \`llm\` is null while no provider is in the mesh: the tool degrades instead of failing.
  async handler({ question }, { llm }) {
    if (!llm) return { answer: "No LLM provider is in the mesh yet.", confidence: 0 };
    return llm(question);
  },
});
`;
}

export function llmPrompt(o: ScaffoldOptions): string {
  return `You are the ${o.name} assistant. Answer in a {{ tone }} tone.
{% if tone == "formal" %}Address the user formally.{% endif %}
Use the tools you have when they help; say so when you are not sure.
`;
}

export function llmProviderIndex(o: ScaffoldOptions): string {
  return `// ${o.name}: a vendor model as a mesh LLM provider (capability "llm"): consumers choose it by
// tags. Set ANTHROPIC_API_KEY (or change the model: "openai/gpt-4o" with OPENAI_API_KEY and the
// @ai-sdk/openai package, "ollama/llama3" for a local Ollama, ...). Run it with \`meshctl start .\`.
import { mesh } from "@mcp-mesh/sdk";

const agent = mesh.agent({
  name: "${o.name}",
  httpPort: ${o.port}, // 0 = any free port; MCP_MESH_HTTP_PORT overrides it
  description: ${JSON.stringify(o.description)},
});

agent.llmProvider({
  model: "anthropic/claude-sonnet-4-5",
  capability: "llm",
  tags: ["claude", "${o.name}"],
  version: "1.0.0",
});
`;
}
