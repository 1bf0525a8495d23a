// The system agent: provides date_service (and info_service) to the rest of the mesh.
// Run it with the hello-world agent: `npm run demo` or `npx meshctl start examples/simple`.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "system-agent", httpPort: 9091, description: "Date and system facts" });

agent.tool({
  name: "get_current_time",
  capability: "date_service",
  version: "1.0.0",
  tags: ["system", "time"],
  description: "The current date and time",
  input: { tz: z.string().default("UTC") },
  handler: ({ tz }) => new Date().toLocaleString("en-GB", { timeZone: tz, dateStyle: "full", timeStyle: "long" }),
});

agent.tool({
  name: "fetch_system_overview",
  capability: "info_service",
  tags: ["system"],
  description: "Node.js version, platform and uptime of this agent",
  handler: () => ({ node: process.version, platform: process.platform, uptimeSeconds: Math.round(process.uptime()) }),
});
