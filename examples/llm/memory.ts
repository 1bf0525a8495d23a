// Maya's memory: plain mesh tools tagged "memory". The avatar's LLM may call them (its filter
// selects the tag); nothing here knows about LLMs.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "maya-memory", description: "Maya's memories" });

const memories = [
  "We watched the storm from the lighthouse at Saint-Malo, and you lost your hat to the sea.",
  "On your birthday we baked a lemon cake that came out flat, and ate it anyway.",
  "You taught me the three chords of 'Wonderwall' on a borrowed guitar.",
  "We planted tomatoes in the garden; the snails got most of them.",
];

/** Words that would match every memory. */
const COMMON = new Set(["the", "and", "you", "your", "our", "did", "was", "with", "that", "this", "remember", "about"]);

agent.tool({
  name: "recall_memories",
  capability: "memory_recall",
  tags: ["memory"],
  description: "Memories shared with the user that mention any of the words of the query",
  input: { query: z.string().max(500) },
  handler: ({ query }) => {
    const words = (query.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => !COMMON.has(w));
    const found = memories.filter((m) => words.some((w) => new RegExp(`\\b${w}`).test(m.toLowerCase())));
    return { memories: found.length > 0 ? found : ["(nothing comes to mind)"] };
  },
});

agent.tool({
  name: "remember",
  capability: "memory_store",
  tags: ["memory"],
  description: "Keeps a new memory",
  input: { memory: z.string().min(1).max(500) },
  handler: ({ memory }) => {
    memories.push(memory);
    return { remembered: memory, count: memories.length };
  },
});
