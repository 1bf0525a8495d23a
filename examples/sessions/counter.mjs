// A stateful provider: `conversation_turn` keeps each conversation's turns in this replica's
// memory, keyed by the `session_id` argument. Session affinity on the consumer (chat.mjs) sends
// every turn of one conversation here while this replica lives; run several replicas:
//   AGENT_NAME=counter-1 node examples/sessions/counter.mjs
//   AGENT_NAME=counter-2 node examples/sessions/counter.mjs
// State that must survive this replica's death belongs in a shared store instead (Redis, keyed
// by session id, as in docs/sessions.md): affinity then only keeps it warm here.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const name = process.env.AGENT_NAME ?? "counter";
const agent = mesh.agent({ name, httpPort: 0 });

// Bounded: the oldest conversations are forgotten first (a Map iterates in insertion order).
const MAX_CONVERSATIONS = 10_000;
const conversations = new Map();

agent.tool({
  name: "conversation_turn",
  capability: "conversation",
  description: "One turn of a conversation; remembers the conversation's earlier messages",
  input: { session_id: z.string().min(1).max(512), message: z.string().max(10_000) },
  handler: ({ session_id, message }) => {
    const history = conversations.get(session_id) ?? [];
    conversations.delete(session_id);
    history.push(message);
    if (history.length > 50) history.shift();
    conversations.set(session_id, history);
    if (conversations.size > MAX_CONVERSATIONS) conversations.delete(conversations.keys().next().value);
    return { replica: name, turn: history.length, earlier: history.slice(0, -1) };
  },
});

agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
