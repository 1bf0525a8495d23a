// meshctl's entry: picks the command, runs it, and is the one place that turns a failure into
// a line on stderr and an exit code.
import { callCommand } from "./commands/call.js";
import { eventsCommand } from "./commands/events.js";
import { listCommand } from "./commands/list.js";
import { logsCommand } from "./commands/logs.js";
import { scaffoldCommand } from "./commands/scaffold.js";
import { startCommand } from "./commands/start.js";
import { statusCommand } from "./commands/status.js";
import { stopCommand } from "./commands/stop.js";
import type { Command, Context } from "./context.js";
import { describeFailure, usageError } from "./errors.js";
import { createOutput, type Sink } from "./output.js";
import { VERSION } from "./version.js";

export const COMMANDS: Command[] = [
  startCommand,
  stopCommand,
  listCommand,
  statusCommand,
  callCommand,
  eventsCommand,
  logsCommand,
  scaffoldCommand,
];

export interface MainIo {
  stdout: Sink;
  stderr: Sink;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now?: () => number;
}

export async function main(argv: string[], io: MainIo): Promise<number> {
  const out = createOutput(io.stdout, io.stderr, io.env);
  const ctx: Context = { out, env: io.env, cwd: io.cwd, now: io.now ?? Date.now };
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      out.out(topic ? topic.help : overview());
      return 0;
    }
    if (name === "--version" || name === "-v" || name === "version") {
      out.out(`meshctl ${VERSION} (MCP Mesh for TypeScript; wire-compatible with MCP Mesh 3.7.1)`);
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const near = COMMANDS.find((c) => c.name.startsWith(name.slice(0, 3)));
      throw usageError(
        `unknown command '${name}'${near ? ` (did you mean '${near.name}'?)` : ""}; see 'meshctl --help'`,
      );
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      out.out(command.help);
      return 0;
    }
    await command.run(rest, ctx);
    return 0;
  } catch (err) {
    const { message, exitCode } = describeFailure(err);
    out.err(`${out.c.red("meshctl:")} ${message}`);
    return exitCode;
  }
}

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `meshctl: run, inspect and call MCP Mesh agents (TypeScript agents run directly, no build step)

Usage:
  meshctl <command> [arguments] [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Registry flags (list, status, call, events, start):
  --registry-url URL     registry to talk to (default $MCP_MESH_REGISTRY_URL or http://localhost:8000)
  --registry-host HOST   --registry-port PORT   the same, in parts

Environment:
  MCP_MESH_REGISTRY_URL  default registry URL
  MCP_MESH_HOME          state of detached runs: pids, logs, registry database (default ~/.mcp-mesh)
  NO_COLOR               plain output (also plain whenever stdout is not a terminal)

Exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 registry or agent unreachable, 4 no such
or ambiguous tool/agent, 5 timed out.

Run 'meshctl <command> --help' for a command's flags and examples.`;
}

/** The process entry used by bin/meshctl.js. */
export async function run(argv: string[]): Promise<number> {
  // `meshctl list | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
  });
  return main(argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
}
