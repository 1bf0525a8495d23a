// The files of a new agent project: pure, so tests check them and --dry-run prints them.
export interface ScaffoldOptions {
  name: string;
  port: number;
  description: string;
}

export function toolNameFor(agentName: string): string {
  return `${agentName.replace(/-/g, "_")}_hello`;
}

export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  const tool = toolNameFor(o.name);
  const pkg = {
    name: o.name,
    version: "0.1.0",
    private: true,
    type: "module",
    main: "index.ts",
    description: o.description,
    scripts: { start: "meshctl start index.ts", dev: "meshctl start index.ts --watch" },
    dependencies: { "@mcp-mesh/sdk": "^0.1.0", zod: "^4.0.0" },
    devDependencies: { "@mcp-mesh/cli": "^0.1.0", "@types/node": "^20.0.0", typescript: "^5.9.0" },
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2023",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      skipLibCheck: true,
    },
    include: ["*.ts"],
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "tsconfig.json": `${JSON.stringify(tsconfig, null, 2)}\n`,
    ".gitignore": "node_modules/\n",
    "index.ts": `// ${o.name}: an MCP Mesh agent. Run it with \`meshctl start .\` (add --watch to restart on save).
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({
  name: "${o.name}",
  httpPort: ${o.port}, // 0 = any free port; MCP_MESH_HTTP_PORT overrides it
  description: ${JSON.stringify(o.description)},
});

agent.tool({
  name: "${tool}",
  capability: "${o.name}.hello",
  description: "Says hello, with the date when a date_service agent is in the mesh",
  tags: ["${o.name}"],
  input: { who: z.string().default("world") },
  // An optional dependency: \`date\` is injected when some agent provides date_service, else null.
  dependencies: { date: "date_service" },
  async handler({ who }, { date }) {
    if (!date) return \`Hello \${who}, from ${o.name}!\`;
    return \`Hello \${who}, from ${o.name}! Today is \${await date()}.\`;
  },
});
`,
    "README.md": `# ${o.name}

${o.description}

\`\`\`bash
npm install                          # @mcp-mesh/sdk, zod and meshctl
npx meshctl start .                  # starts a registry if none runs, then this agent
npx meshctl call ${tool} '{"who": "Ada"}'
npx meshctl list
\`\`\`

\`npx meshctl start . --watch\` restarts the agent whenever a file here changes.
`,
  };
}
