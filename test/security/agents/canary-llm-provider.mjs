// The LLM provider of the canary chain, run as a real process: the scripted model behind an
// OpenAI-compatible vendor, with a canary vendor API key (LLM_API_KEY) that must reach the model
// server and nothing else.
import { mesh } from "@mcp-mesh/sdk";

const agent = mesh.agent({ name: "canary-llm", httpPort: 0 });
agent.llmProvider({
  model: "openai-compatible/scripted-model",
  baseURL: process.env.LLM_BASE_URL,
  apiKey: process.env.LLM_API_KEY,
  tags: ["canary"],
  maxRetries: 0,
});
agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
