// The files of a new agent project: pure, so tests check them and --dry-run prints them.
import { llmAgentIndex, llmPrompt, llmProviderIndex } from "./scaffold-llm-files.js";

export const SCAFFOLD_TEMPLATES = ["basic", "llm", "llm-provider"] as const;
export type ScaffoldTemplate = (typeof SCAFFOLD_TEMPLATES)[number];

export interface ScaffoldOptions {
  name: string;
  /** basic (default): a tool with a dependency; llm: a tool with an injected LLM; llm-provider. */
  template?: ScaffoldTemplate;
  port: number;
  description: string;
  /** Specs of our packages by name: npm versions, or file: tarballs packed from a checkout. */
  meshPackages: MeshPackageSpecs;
}

export interface MeshPackageSpecs {
  "@mcp-mesh/sdk": string;
  "@mcp-mesh/cli": string;
  /** Only from a checkout: the tarballs the SDK and meshctl depend on (not on npm either). */
  "@mcp-mesh/protocol"?: string;
  "@mcp-mesh/registry"?: string;
}

/** meshctl installed from npm: the project depends on the same release of the SDK and CLI. */
export function npmPackageSpecs(version: string): MeshPackageSpecs {
  return { "@mcp-mesh/sdk": `^${version}`, "@mcp-mesh/cli": `^${version}` };
}

const LOCAL_NOTE = `
The MCP Mesh packages come from \`mcp-mesh-packages/\`: tarballs packed from the checkout of MCP
Mesh for TypeScript that scaffolded this project (those versions were not on npm). Once they
are published, depend on \`@mcp-mesh/sdk\` and \`@mcp-mesh/cli\` by version instead.
`;

function pick(specs: MeshPackageSpecs, name: "@mcp-mesh/protocol" | "@mcp-mesh/registry"): Record<string, string> {
  const spec = specs[name];
  return spec ? { [name]: spec } : {};
}

export function toolNameFor(agentName: string, template: ScaffoldTemplate = "basic"): string {
  const base = agentName.replace(/-/g, "_");
  return template === "llm" ? `${base}_ask` : template === "llm-provider" ? "process_chat" : `${base}_hello`;
}

/** Arguments of the generated tool for the README and the hints. */
export function exampleArgsFor(template: ScaffoldTemplate = "basic"): string {
  if (template === "llm") return '{"question": "What can you do?"}';
  if (template === "llm-provider") return '{"request": {"messages": [{"role": "user", "content": "Hi"}]}}';
  return '{"who": "Ada"}';
}

export function scaffoldFiles(o: ScaffoldOptions): Record<string, string> {
  const template = o.template ?? "basic";
  const tool = toolNameFor(o.name, template);
  const pkg = {
    name: o.name,
    version: "0.1.0",
    private: true,
    type: "module",
    main: "index.ts",
    description: o.description,
    // Scripts run node_modules/.bin/meshctl; `npx meshctl` would fetch an unrelated npm package
    // whenever ours is not installed, so the README uses these instead.
    scripts: {
      start: "meshctl start index.ts",
      dev: "meshctl start index.ts --watch",
      meshctl: "meshctl",
      typecheck: "tsc",
    },
    dependencies: {
      ...pick(o.meshPackages, "@mcp-mesh/protocol"),
      "@mcp-mesh/sdk": o.meshPackages["@mcp-mesh/sdk"],
      // The vendor's AI SDK package: optional in the SDK, so a provider installs only its own.
      ...(template === "llm-provider" && { "@ai-sdk/anthropic": "^3.0.140" }),
      zod: "^4.2.0",
    },
    devDependencies: {
      "@mcp-mesh/cli": o.meshPackages["@mcp-mesh/cli"],
      ...pick(o.meshPackages, "@mcp-mesh/registry"),
      "@types/node": "^20.19.0",
      typescript: "^5.9.0",
    },
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
  const sources: Record<string, string> =
    template === "llm"
      ? { "index.ts": llmAgentIndex(o, tool), [`prompts/${o.name}.njk`]: llmPrompt(o) }
      : template === "llm-provider"
        ? { "index.ts": llmProviderIndex(o) }
        : {};
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
npm install                                          # @mcp-mesh/sdk, zod, and meshctl (@mcp-mesh/cli)
npm start                                            # starts a registry if none runs, then this agent
npm run meshctl -- call ${tool} '${exampleArgsFor(template)}'   # from another shell
npm run meshctl -- list
\`\`\`

\`npm run dev\` restarts the agent whenever a file here changes; \`npm run typecheck\` checks the
types. \`npm run meshctl -- <command>\` runs this project's meshctl (\`meshctl --help\` lists the
commands); do not use \`npx meshctl\`, which fetches an unrelated npm package when ours is not
installed.
${template === "basic" ? "" : LLM_NOTE}${o.meshPackages["@mcp-mesh/sdk"].startsWith("file:") ? LOCAL_NOTE : ""}`,
    ...sources,
  };
}

const LLM_NOTE = `
LLM agents and providers: see the MCP Mesh docs (docs/llm.md) for the \`llm\` option, prompt
templates (Nunjucks, Jinja2-compatible), filters, structured output, streaming and providers.
`;
