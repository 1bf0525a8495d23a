// meshctl scaffold <name>: a new agent project that `meshctl start <dir>` runs as generated.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { AGENT_ID_PATTERN } from "@mcp-mesh/protocol";
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { usageError } from "../errors.js";
import {
  exampleArgsFor,
  npmPackageSpecs,
  SCAFFOLD_TEMPLATES,
  type ScaffoldTemplate,
  scaffoldFiles,
  toolNameFor,
} from "../scaffold-files.js";
import { LOCAL_PACKAGES_DIR, localPackageSpecs, packageSource, packLocalPackages } from "../scaffold-source.js";

const OPTIONS = {
  output: { type: "string", short: "o" },
  port: { type: "string", short: "p" },
  description: { type: "string" },
  template: { type: "string", short: "t" },
  force: { type: "boolean" },
  "dry-run": { type: "boolean" },
} as const;

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("scaffold", argv, OPTIONS);
  const [name, ...extra] = positionals;
  if (!name) throw usageError("meshctl scaffold needs a name: meshctl scaffold my-agent");
  if (extra.length > 0) throw usageError(`meshctl scaffold makes one agent at a time, got '${extra[0]}' too`);
  if (!AGENT_ID_PATTERN.test(name) || name.length > 54) {
    throw usageError(`'${name}' is not a valid agent name: use lowercase letters, digits and '-' (e.g. my-agent)`);
  }
  const template = (values.template ?? "basic") as ScaffoldTemplate;
  if (!SCAFFOLD_TEMPLATES.includes(template))
    throw usageError(`unknown template '${values.template}': use ${SCAFFOLD_TEMPLATES.join(", ")}`);
  const source = packageSource();
  const files = scaffoldFiles({
    name,
    template,
    port: intOption(values.port, "port", 0),
    description: values.description ?? `The ${name} agent`,
    meshPackages: source.kind === "npm" ? npmPackageSpecs(source.version) : localPackageSpecs(),
  });
  const dir = resolve(ctx.cwd, values.output ?? name);
  const { out } = ctx;
  if (source.kind === "checkout") {
    out.err(
      `${out.c.yellow("!")} meshctl runs from a checkout (${source.root}): its packages may not be on npm, so the project gets them packed into ${LOCAL_PACKAGES_DIR}/`,
    );
  }
  if (values["dry-run"]) {
    for (const [file, text] of Object.entries(files)) out.out(`--- ${join(dir, file)}\n${text}`);
    return;
  }
  if (existsSync(dir) && readdirSync(dir).length > 0 && !values.force) {
    throw usageError(`${dir} exists and is not empty: pick another --output, or --force to overwrite`);
  }
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const tarballs = source.kind === "checkout" ? await packLocalPackages(source.root, dir) : [];
  const rel = relative(ctx.cwd, dir) || ".";
  out.err(`${out.c.green("✓")} created ${rel}/ (${[...Object.keys(files), ...tarballs].join(", ")})`);
  out.err(`  cd ${rel} && npm install                 # the SDK, zod and meshctl`);
  out.err(`  npm start                                # run it (starts a registry when none runs)`);
  out.err(`  npm run meshctl -- call ${toolNameFor(name, template)} '${exampleArgsFor(template)}'   # call its tool`);
}

export const scaffoldCommand: Command = {
  name: "scaffold",
  summary: "create a new TypeScript agent project",
  help: `meshctl scaffold: create a new agent project

Usage:
  meshctl scaffold <name> [flags]

Writes <name>/ with index.ts (one tool with an optional dependency), package.json, tsconfig.json
and a README. --template llm writes a tool with an injected LLM instead (provider chosen by tags,
mesh tools by a filter, structured output, a Nunjucks prompt in prompts/<name>.njk);
--template llm-provider a vendor model as a mesh LLM provider (agent.llmProvider). 'meshctl start <name>' runs it as generated: no install or build needed while
meshctl itself is installed (npm install adds the SDK to the project for editors and for
running it without meshctl).

The project depends on @mcp-mesh/sdk and @mcp-mesh/cli at this meshctl's version. Run from a
checkout of MCP Mesh for TypeScript (whose versions may not be on npm), meshctl says so, packs
the checkout's packages into <name>/mcp-mesh-packages/ and depends on those tarballs instead.

Flags:
  -o, --output DIR       where to write (default ./<name>)
  -p, --port PORT        the agent's HTTP port (default 0: any free port)
      --description TEXT the agent's description
  -t, --template NAME    basic (default), llm or llm-provider
      --force            write into a non-empty directory
      --dry-run          print the files instead of writing them

Examples:
  meshctl scaffold weather-agent
  meshctl scaffold weather-agent --port 9100 -o agents/weather
  meshctl scaffold advisor --template llm
  meshctl scaffold claude-provider --template llm-provider`,
  run,
};
