// meshctl logs <agent>: the log of a detached agent (or "registry", "meshctl"), from
// $MCP_MESH_HOME/logs; -f follows it as it grows.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { ErrorCodes, MeshError, usageError } from "../errors.js";
import { liveRecords, logFile, logsDir, meshHome } from "../state-dir.js";

const OPTIONS = {
  follow: { type: "boolean", short: "f" },
  tail: { type: "string", short: "n" },
  previous: { type: "string", short: "p" },
  list: { type: "boolean" },
} as const;

export function lastLines(text: string, n: number): string {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return (n === 0 ? lines : lines.slice(-n)).join("\n");
}

/** The log name for what the user typed: a log file name, or a running agent's id/name. */
export function logName(home: string, query: string): string {
  if (existsSync(logFile(home, query))) return query;
  const record = liveRecords(home).find((r) => r.agentId === query || (r.agentId?.startsWith(query) ?? false));
  if (record) return record.name;
  const known = availableLogs(home);
  throw new MeshError(
    ErrorCodes.NOT_FOUND,
    `no log for '${query}' in ${logsDir(home)}${known.length > 0 ? ` (have: ${known.join(", ")})` : ": start agents with 'meshctl start --detach'"}`,
  );
}

export function availableLogs(home: string): string[] {
  const dir = logsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log") && !/\.\d+\.log$/.test(f))
    .map((f) => f.replace(/\.log$/, ""))
    .sort();
}

async function follow(path: string, from: number, write: (s: string) => void): Promise<void> {
  let offset = from;
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  let done = false;
  void stopped.then(() => (done = true));
  while (!done) {
    const size = existsSync(path) ? statSync(path).size : 0;
    if (size < offset) offset = 0; // rotated: a new run started a fresh file
    if (size > offset) {
      const handle = await open(path, "r");
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - offset), 0, size - offset, offset);
      await handle.close();
      offset += bytesRead;
      write(buffer.subarray(0, bytesRead).toString("utf8"));
    }
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 250))]);
  }
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("logs", argv, OPTIONS);
  const home = meshHome(ctx.env);
  if (values.list) {
    const logs = availableLogs(home);
    ctx.out.out(logs.length > 0 ? logs.join("\n") : `no logs in ${logsDir(home)}`);
    return;
  }
  const [query, ...extra] = positionals;
  if (!query) throw usageError("meshctl logs needs an agent name: meshctl logs <agent> (see 'meshctl logs --list')");
  if (extra.length > 0) throw usageError(`meshctl logs shows one log at a time, got '${extra[0]}' too`);
  const name = logName(home, query);
  const previous = intOption(values.previous, "previous", 0);
  const path = logFile(home, name, previous);
  if (!existsSync(path))
    throw new MeshError(ErrorCodes.NOT_FOUND, `no log ${path}: ${name} has not restarted that often`);
  const text = readFileSync(path, "utf8");
  const shown = lastLines(text, intOption(values.tail, "tail", 100));
  if (shown) ctx.out.out(shown);
  if (values.follow) await follow(path, Buffer.byteLength(text), (s) => process.stdout.write(s));
}

export const logsCommand: Command = {
  name: "logs",
  summary: "show the log of a detached agent (or of the registry)",
  help: `meshctl logs: the log of an agent started with 'meshctl start --detach'

Usage:
  meshctl logs <agent> [flags]

Logs live in $MCP_MESH_HOME/logs (~/.mcp-mesh/logs): <name>.log is the current run, <name>.1.log
the one before, up to 4 previous runs. 'registry' is an embedded registry's log, 'meshctl' the
background meshctl's own.

Flags:
  -f, --follow         keep printing new lines (Ctrl-C stops)
  -n, --tail N         last N lines (default 100; 0 = all)
  -p, --previous K     the log of K runs ago
      --list           list the logs there are

Examples:
  meshctl logs hello-world
  meshctl logs hello-world -f
  meshctl logs registry -n 20`,
  run,
};
