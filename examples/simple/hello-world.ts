// The hello-world agent: its greeting depends on date_service, which the system agent provides.
// Start it alone and it still answers (without the date); start the system agent and it is wired
// within a moment, with no restart.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "hello-world", httpPort: 9090, description: "Greets, with the date when it can" });

agent.tool({
  name: "hello_mesh_simple",
  capability: "greeting",
  tags: ["demo"],
  description: "Greets, with today's date when a date service is available",
  input: { who: z.string().default("world") },
  dependencies: { date: { capability: "date_service", tags: ["system"] } },
  async handler({ who }, { date }) {
    if (!date) return `Hello ${who}! (date service not available yet)`;
    return `Hello ${who}! Today is ${await date({ tz: "UTC" })}`;
  },
});
