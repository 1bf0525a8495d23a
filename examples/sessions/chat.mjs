// The consumer side: `chat` sends each turn to the conversation replica its session is assigned
// to (`session: true` takes the session from the `session_id` argument), and tells the caller
// when the conversation had to move to another replica (its history stayed on the old one).
// With REDIS_URL set, every chat replica agrees on the assignments (docs/sessions.md).
//   node examples/sessions/chat.mjs
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: process.env.AGENT_NAME ?? "chat", httpPort: 0 });
const moved = new Set();

agent.tool({
  name: "chat",
  input: { session_id: z.string().min(1).max(512), message: z.string() },
  dependencies: {
    conversation: {
      capability: "conversation",
      session: true,
      onSessionMoved: (move) => moved.add(move.sessionId),
    },
  },
  handler: async ({ session_id, message }, { conversation }) => {
    if (!conversation) return { error: "no conversation service right now, try again shortly" };
    const answer = await conversation({ session_id, message });
    const wasMoved = moved.delete(session_id);
    return { ...answer, moved: wasMoved };
  },
});

agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
