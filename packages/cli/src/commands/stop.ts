// meshctl stop [name...]: ends what `meshctl start --detach` left running, found through the
// records in $MCP_MESH_HOME/run. Graceful first (agents unregister), SIGKILL at the deadline, and
// it returns only once every process is gone.
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { ErrorCodes, MeshError } from "../errors.js";
import { isAlive, liveRecords, meshHome, type ProcessRecord } from "../state-dir.js";

const OPTIONS = {
  timeout: { type: "string" },
  force: { type: "boolean" },
  "keep-registry": { type: "boolean" },
} as const;

/** Which records a stop request covers. Pure. */
export function selectForStop(
  records: ProcessRecord[],
  names: string[],
  keepRegistry: boolean,
): { targets: ProcessRecord[]; unknown: string[] } {
  const agents = records.filter((r) => r.kind === "agent");
  if (names.length === 0) {
    const supervisors = records.filter((r) => r.kind === "supervisor" && !(keepRegistry && r.hostsRegistry));
    // A supervisor stops its own agents; agents of a kept registry's supervisor are stopped one by one.
    const kept = new Set(
      records.filter((r) => r.kind === "supervisor" && keepRegistry && r.hostsRegistry).map((r) => r.pid),
    );
    return { targets: [...supervisors, ...agents.filter((a) => kept.has(a.supervisorPid))], unknown: [] };
  }
  const targets: ProcessRecord[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const hit = agents.filter((a) => a.name === name || a.agentId === name || (a.agentId?.startsWith(name) ?? false));
    if (hit.length === 0) unknown.push(name);
    targets.push(...hit);
  }
  return { targets, unknown };
}

function signal(pid: number, sig: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // already gone
  }
}

/** SIGTERM (or SIGKILL with force), then wait; SIGKILL whatever is left at the deadline. */
export async function terminate(records: ProcessRecord[], timeoutMs: number, force: boolean): Promise<void> {
  // Supervisors lead their own process group: signalling the group reaches every agent too.
  const group = (r: ProcessRecord) => r.kind === "supervisor";
  for (const r of records) signal(r.pid, force ? "SIGKILL" : "SIGTERM", false);
  const deadline = Date.now() + timeoutMs;
  while (records.some((r) => isAlive(r.pid)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  for (const r of records) if (isAlive(r.pid) || group(r)) signal(r.pid, "SIGKILL", group(r));
  while (records.some((r) => isAlive(r.pid))) await new Promise((res) => setTimeout(res, 50));
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("stop", argv, OPTIONS);
  const home = meshHome(ctx.env);
  const { out } = ctx;
  const records = liveRecords(home);
  const { targets, unknown } = selectForStop(records, positionals, values["keep-registry"] === true);
  if (records.length === 0 && positionals.length === 0) {
    out.err(`nothing to stop: no detached meshctl runs under ${home}`);
    return;
  }
  // Agents owned by a stopped supervisor go with it; list them for the user all the same.
  const shown = positionals.length === 0 ? records.filter((r) => r.kind === "agent") : targets;
  await terminate(targets, intOption(values.timeout, "timeout", 10, 1) * 1000, values.force === true);
  for (const r of shown)
    out.err(`${out.c.green("✓")} stopped ${r.name}${r.agentId ? ` (${r.agentId})` : ""}, pid ${r.pid}`);
  for (const r of targets.filter((t) => t.kind === "supervisor")) {
    out.err(
      `${out.c.green("✓")} stopped meshctl pid ${r.pid}${r.hostsRegistry ? ` and its registry at ${r.registryUrl}` : ""}`,
    );
  }
  if (unknown.length > 0) {
    const running = records.filter((r) => r.kind === "agent").map((r) => r.name);
    throw new MeshError(
      ErrorCodes.NOT_FOUND,
      `no detached agent named ${unknown.map((n) => `'${n}'`).join(", ")}${running.length > 0 ? ` (running: ${running.join(", ")})` : " is running"}`,
    );
  }
}

export const stopCommand: Command = {
  name: "stop",
  summary: "stop agents and registries started with 'meshctl start --detach'",
  help: `meshctl stop: stop what 'meshctl start --detach' runs

Usage:
  meshctl stop [agent...] [flags]

Without names, stops every detached agent and registry under $MCP_MESH_HOME (~/.mcp-mesh).
With names (file name, agent name or agent id), stops only those agents; a registry meshctl
started keeps running until 'meshctl stop'. Agents get SIGTERM (they unregister) and SIGKILL at
the deadline; the command returns when every process is gone.

Flags:
      --timeout SEC     how long to wait before SIGKILL (default 10)
      --force           SIGKILL at once
      --keep-registry   stop the agents, keep an embedded registry running

Examples:
  meshctl stop
  meshctl stop hello-world
  meshctl stop --keep-registry`,
  run,
};
