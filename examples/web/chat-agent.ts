// The agent behind the chat page: provides `avatar_chat`, a streaming tool (an async generator:
// each chunk reaches a caller that streams as it is yielded, a plain call gets the whole text).
// A stand-in for an LLM agent (it answers from the message, no vendor needed); swap it for one
// whose handler returns `llm.stream(...)` and the web app does not change.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "chat-agent", httpPort: 9091, description: "Answers chat messages" });

agent.tool({
  name: "avatar_chat",
  description: "Answers one chat message",
  input: { message: z.string().min(1).max(2000) },
  async *handler({ message }) {
    const answer = `You said: ${message}. The mesh carried it here and back.`;
    for (const word of answer.split(/(?<= )/)) {
      await new Promise((r) => setTimeout(r, 30)); // a model produces tokens over time
      yield word;
    }
  },
});
