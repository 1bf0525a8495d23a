// meshctl's entry: picks the command, runs it, and is the one place that turns a failure into
// a line on stderr and an exit code. Each command's module is imported only when that command
// runs, so `--version`, `--help` and the light commands never load the registry (Fastify, libsql)
// that `start` embeds. The error catalogue (protocol, with zod and semver) loads only when a
// command runs or fails, so `--version` and `--help` load next to nothing.
import type { Command, Context } from "./context.js";
import { createOutput, type Sink } from "./output.js";
import { VERSION } from "./version.js";

export interface CommandEntry {
  name: string;
  /** The overview's line; the same as the module's own (a test keeps them equal). */
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: "start",
    summary: "run agents (.ts/.js, no build step) and a registry if none is running",
    load: async () => (await import("./commands/start.js")).startCommand,
  },
  {
    name: "stop",
    summary: "stop agents and registries started with 'meshctl start --detach'",
    load: async () => (await import("./commands/stop.js")).stopCommand,
  },
  {
    name: "list",
    summary: "list agents (or tools) registered with the registry",
    load: async () => (await import("./commands/list.js")).listCommand,
  },
  {
    name: "status",
    summary: "show an agent's tools and how each dependency is wired (or why not)",
    load: async () => (await import("./commands/status.js")).statusCommand,
  },
  {
    name: "call",
    summary: "call a tool of an agent (through the registry proxy by default)",
    load: async () => (await import("./commands/call.js")).callCommand,
  },
  {
    name: "events",
    summary: "show registry events and why each dependency resolved as it did",
    load: async () => (await import("./commands/events.js")).eventsCommand,
  },
  {
    name: "trace",
    summary: "show a trace as a call tree (agent, tool, duration, status, LLM tokens)",
    load: async () => (await import("./commands/trace.js")).traceCommand,
  },
  {
    name: "logs",
    summary: "show the logs of detached agents (or of the registry)",
    load: async () => (await import("./commands/logs.js")).logsCommand,
  },
  {
    name: "token",
    summary: "generate a registry token for a dev mesh and print the env line to use",
    load: async () => (await import("./commands/token.js")).tokenCommand,
  },
  {
    name: "certs",
    summary: "generate a dev CA and certificates (registry, meshctl, agents) and print the TLS env",
    load: async () => (await import("./commands/certs.js")).certsCommand,
  },
  {
    name: "scaffold",
    summary: "create a new TypeScript agent project",
    load: async () => (await import("./commands/scaffold.js")).scaffoldCommand,
  },
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
      out.out(topic ? (await topic.load()).help : overview());
      return 0;
    }
    if (name === "--version" || name === "-v" || name === "version") {
      out.out(`meshctl ${VERSION} (MCP Mesh for TypeScript; wire-compatible with MCP Mesh 3.7.1)`);
      return 0;
    }
    const entry = COMMANDS.find((c) => c.name === name);
    if (!entry) {
      const near = COMMANDS.find((c) => c.name.startsWith(name.slice(0, 3)));
      const { usageError } = await import("./errors.js");
      throw usageError(
        `unknown command '${name}'${near ? ` (did you mean '${near.name}'?)` : ""}; see 'meshctl --help'`,
      );
    }
    const command = await entry.load();
    if (rest.includes("--help") || rest.includes("-h")) {
      out.out(command.help);
      return 0;
    }
    await command.run(await takeCaFlag(rest, io), ctx);
    return 0;
  } catch (err) {
    const { describeFailure } = await import("./errors.js");
    const { message, exitCode } = describeFailure(err);
    out.err(`${out.c.red("meshctl:")} ${message}`);
    return exitCode;
  }
}

/**
 * `--ca FILE`, accepted by every command: the CA that the registry's and agents' certificates
 * are checked against. It is MCP_MESH_TLS_CA for this run (flag beats environment), so agents
 * that `meshctl start` runs trust the same CA.
 */
async function takeCaFlag(args: string[], io: MainIo): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a !== "--ca" && !a.startsWith("--ca=")) {
      out.push(a);
      continue;
    }
    const file = a === "--ca" ? args[++i] : a.slice("--ca=".length);
    if (!file) throw (await import("./errors.js")).usageError("--ca needs a file: the PEM CA certificate");
    const { resolve } = await import("node:path");
    const path = resolve(io.cwd, file);
    io.env.MCP_MESH_TLS_CA = path;
    process.env.MCP_MESH_TLS_CA = path;
  }
  return out;
}

export function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `meshctl: run, inspect and call MCP Mesh agents (TypeScript agents run directly, no build step)

Usage:
  meshctl <command> [arguments] [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Registry flags (list, status, call, events, trace, start):
  --registry-url URL     registry to talk to (default $MCP_MESH_REGISTRY_URL or http://localhost:8000);
                         several comma-separated (replicas) are tried in order
  --registry-host HOST   --registry-port PORT   the same, in parts
  --ca FILE              CA to verify an https:// registry and agents with (else $MCP_MESH_TLS_CA)

Environment:
  MCP_MESH_REGISTRY_URL  default registry URL (or several, comma-separated)
  MCP_MESH_TLS_CA        CA of an https:// registry; MCP_MESH_TLS_CERT/KEY: meshctl's client certificate
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
