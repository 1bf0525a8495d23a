// The agent behind the chat page: provides `avatar_chat`. A stand-in for an LLM agent (it
// answers from the message, no vendor needed); swap it for one and the web app does not change.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "chat-agent", httpPort: 9091, description: "Answers chat messages" });

agent.tool({
  name: "avatar_chat",
  description: "Answers one chat message",
  input: { message: z.string().min(1).max(2000) },
  handler: ({ message }) => `You said: ${message}. The mesh carried it here and back.`,
});
