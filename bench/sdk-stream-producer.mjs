// The producer of bench/sdk-stream.mjs as its own process: `tokens` yields `n` chunks at once
// (no model behind it), so what the bench measures is the mesh's cost, not the producer's.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "bench-streamer", httpPort: 0 });
agent.tool({
  name: "tokens",
  capability: "tokens",
  input: { n: z.number().int().min(1).max(10_000) },
  async *handler({ n }) {
    for (let i = 0; i < n; i++) yield `tok${i} `;
  },
});
agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
