// meshctl logs <agent>: the logs of detached agents (or "registry", "meshctl") from
// $MCP_MESH_HOME/logs: an agent name shows every replica's log, each line prefixed with its
// agent id; an agent id exactly that one; -f follows them as they grow.
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { usageError } from "../errors.js";
import { followLogs, mergedTail } from "../log-follow.js";
import { listLines, selectLogs } from "../log-select.js";
import { logsDir, meshHome } from "../state-dir.js";

const OPTIONS = {
  follow: { type: "boolean", short: "f" },
  tail: { type: "string", short: "n" },
  previous: { type: "string", short: "p" },
  list: { type: "boolean" },
} as const;

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("logs", argv, OPTIONS);
  const home = meshHome(ctx.env);
  if (values.list) {
    const lines = listLines(home);
    ctx.out.out(lines.length > 0 ? lines.join("\n") : `no logs in ${logsDir(home)}`);
    return;
  }
  const [query, ...extra] = positionals;
  if (!query) throw usageError("meshctl logs needs an agent name: meshctl logs <agent> (see 'meshctl logs --list')");
  if (extra.length > 0) throw usageError(`meshctl logs shows one agent at a time, got '${extra[0]}' too`);
  const previous = intOption(values.previous, "previous", 0);
  const tail = intOption(values.tail, "tail", 100);
  const selection = selectLogs(home, query, previous);
  const prefix = selection.kind === "name";
  const { text, sizes } = mergedTail(selection.files, tail, prefix);
  if (text) ctx.out.out(text);
  if (values.follow) {
    await followLogs(selection.files, sizes, selection.more, prefix, (s) => process.stdout.write(s));
  }
}

export const logsCommand: Command = {
  name: "logs",
  summary: "show the logs of detached agents (or of the registry)",
  help: `meshctl logs: the logs of agents started with 'meshctl start --detach'

Usage:
  meshctl logs <agent name | agent id> [flags]

Each agent process has its own log, $MCP_MESH_HOME/logs/<name>/<agent id>.log (~/.mcp-mesh).
An agent name shows the logs of all its running replicas, merged in time order, each line
prefixed with its agent id (when none is running, its newest log); an agent id (or a unique
prefix of one) shows exactly that replica's log. 'registry' is an embedded registry's log,
'meshctl' the background meshctl's own. The 10 newest logs of each name are kept.

Flags:
  -f, --follow         keep printing new lines, of new replicas too (Ctrl-C stops)
  -n, --tail N         last N lines of each log (default 100; 0 = all)
  -p, --previous K     the K-th log of that name before the newest
      --list           list the logs there are, by name and agent id

Examples:
  meshctl logs hello-world
  meshctl logs hello-world-5395c5e4
  meshctl logs hello-world -f
  meshctl logs registry -n 20`,
  run,
};
