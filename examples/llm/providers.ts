// Maya's two LLM providers, chosen by tags: "smart" for the avatar's conversation, "fast" for
// emotion analysis. The models: see lib/choose-models.ts (a real vendor, a local ollama, or a
// clearly labelled scripted model, served from this process: it ends with the agent).
import { mesh } from "@mcp-mesh/sdk";
import { chooseModels } from "./lib/choose-models.js";

const models = await chooseModels();
console.error(`maya-llm: the models are ${models.label}`);

const agent = mesh.agent({ name: "maya-llm", description: "Maya's LLM providers" });
agent.llmProvider({
  ...models.smart,
  name: "smart_chat",
  tags: ["smart"],
  modelParams: { temperature: 0.7, max_tokens: 400 },
});
agent.llmProvider({
  ...models.fast,
  name: "fast_chat",
  tags: ["fast"],
  modelParams: { temperature: 0, max_tokens: 200 },
});
