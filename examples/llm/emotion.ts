// Emotion analysis: an LLM tool with structured output. The "fast" provider's answer is
// validated against the schema, so callers get { emotion, intensity, reason } or an error.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "maya-emotion", description: "Reads the feeling of a message" });

agent.tool({
  name: "analyze_emotion",
  capability: "emotion_analysis",
  description: "The emotion a message expresses",
  input: { text: z.string().min(1).max(2000) },
  output: z.object({
    emotion: z.enum(["joyful", "nostalgic", "sad", "anxious", "angry", "neutral"]),
    intensity: z.number().min(0).max(1),
    reason: z.string(),
  }),
  llm: {
    provider: { capability: "llm", tags: ["fast"] },
    systemPrompt: "Classify the emotion of the user's message. Answer only with the JSON object asked for.",
    maxIterations: 1,
  },
  async handler({ text }, { llm }) {
    if (!llm) return { emotion: "neutral" as const, intensity: 0, reason: "no LLM provider is up" };
    return llm(text);
  },
});
