// Maya, the avatar: `chat` reads the message's emotion through a mesh dependency (a structured
// LLM tool of maya-emotion), then asks its own LLM (the "smart" provider), whose model may call
// the mesh tools tagged "memory" to recall what Maya and the user lived together.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "maya-avatar", description: "Maya, an avatar with a memory" });

type Emotion = { emotion: string; intensity: number; reason: string };

agent.tool({
  name: "chat",
  capability: "avatar_chat",
  description: "Talk with Maya",
  input: { message: z.string().min(1).max(2000), user: z.string().default("you") },
  dependencies: { emotion: { capability: "emotion_analysis" } },
  llm: {
    provider: { capability: "llm", tags: ["smart"] },
    filter: [{ tags: ["memory"] }],
    maxIterations: 5,
    systemPrompt: "file://prompts/maya.njk",
  },
  async handler({ message, user }, { emotion, llm }) {
    if (!llm) return "Maya is not here yet (no LLM provider tagged 'smart' is up).";
    const feeling = emotion ? ((await emotion({ text: message })) as Emotion) : undefined;
    const answer = await llm(message, { context: { user, ...feeling } });
    const mood = feeling ? ` (feeling ${feeling.emotion})` : "";
    return `Maya${mood}: ${answer}`;
  },
});
