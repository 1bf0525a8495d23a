// meshctl start --detach. The foreground meshctl re-runs itself as a detached supervisor (its
// own process group, so `meshctl stop` can end it and everything it started), watches that
// supervisor's progress over IPC until the agents are registered, then leaves it running.
// The supervisor keeps its pids in $MCP_MESH_HOME/run and each agent process's log in
// logs/<name>/<agent id>.log (agent-logs.ts).
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { pruneAgentLogs } from "./agent-logs.js";
import type { AgentProcess } from "./agent-process.js";
import type { Context } from "./context.js";
import { ErrorCodes, isMeshError, MeshError } from "./errors.js";
import { LocalMesh, type MeshOptions, type Tone } from "./local-mesh.js";
import { fileReporter, statusMarks } from "./reporters.js";
import { liveRecords, logFile, logsDir, type ProcessRecord, removeRecord, writeRecord } from "./state-dir.js";

const SUPERVISOR_ENV = "MESHCTL_SUPERVISOR";
const BIN = fileURLToPath(new URL("../bin/meshctl.js", import.meta.url));

type Message = { type: "status"; text: string; tone: Tone } | { type: "ready" } | { type: "failed"; message: string };

export function isSupervisor(env: NodeJS.ProcessEnv): boolean {
  return env[SUPERVISOR_ENV] === "1" && typeof process.send === "function";
}

export async function detach(
  argv: string[],
  plan: { options: MeshOptions; home: string; registryOnly: boolean },
  ctx: Context,
): Promise<void> {
  const { out } = ctx;
  mkdirSync(logsDir(plan.home), { recursive: true });
  const log = logFile(plan.home, "meshctl");
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, [BIN, "start", ...argv], {
    cwd: ctx.cwd,
    env: { ...ctx.env, [SUPERVISOR_ENV]: "1" },
    detached: true,
    stdio: ["ignore", fd, fd, "ipc"],
  });
  closeSync(fd);
  const marks = statusMarks(out.c);
  const outcome = await new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
    child.on("message", (m: Message) => {
      if (m.type === "status") out.err(`${marks[m.tone]} ${m.text}`);
      else if (m.type === "ready") resolve({ ok: true });
      else resolve({ ok: false, message: m.message });
    });
    child.once("exit", (code) =>
      resolve({
        ok: false,
        message: `the background meshctl exited (code ${code}) before the mesh was up: see ${log}`,
      }),
    );
  });
  child.removeAllListeners();
  if (child.connected) child.disconnect();
  child.unref();
  if (!outcome.ok) throw new MeshError(ErrorCodes.START_FAILED, outcome.message);
  const names = plan.options.entries.map((e) => e.name);
  out.err(
    out.c.dim(
      `running in the background (pid ${child.pid}): 'meshctl stop' ends it${names.length > 0 ? `, 'meshctl logs ${names[0]}' shows a log` : ""}`,
    ),
  );
}

/** The detached supervisor: the same mesh, reporting to files, its parent and run/ records. */
export async function runSupervised(options: MeshOptions, home: string): Promise<void> {
  const send = (m: Message) => {
    if (process.connected) process.send?.(m);
  };
  const live = new Set(liveRecords(home).flatMap((r) => (r.logFile ? [r.logFile] : [])));
  for (const e of options.entries) pruneAgentLogs(home, e.name, live);
  const base = { supervisorPid: process.pid, registryUrl: options.registryUrl, startedAt: new Date().toISOString() };
  const records = new Map<AgentProcess, ProcessRecord>();
  const reporter = fileReporter(home, (text, tone) => send({ type: "status", text, tone }));
  const track = (proc: AgentProcess, agentId?: string) => {
    const old = records.get(proc);
    if (old) removeRecord(home, old);
    if (proc.pid === undefined || proc.launchId === undefined) return records.delete(proc);
    const path = agentId
      ? reporter.identify(proc.entry.name, proc.launchId, agentId)
      : reporter.pathOf(proc.entry.name, proc.launchId);
    const record: ProcessRecord = {
      ...base,
      kind: "agent",
      name: proc.entry.name,
      pid: proc.pid,
      file: proc.entry.file,
      logFile: path,
      ...(agentId && { agentId }),
    };
    records.set(proc, record);
    writeRecord(home, record);
  };
  const mesh = new LocalMesh(options, {
    ...reporter,
    registered: (proc, agent) => track(proc, agent.id),
    exited: (proc) => track(proc),
    // Records as soon as a process exists, so `meshctl stop` finds it even mid-start.
    spawned: (proc) => track(proc),
  });
  const supervisor: ProcessRecord = {
    ...base,
    kind: "supervisor",
    name: "meshctl",
    pid: process.pid,
    logFile: logFile(home, "meshctl"),
  };
  let stopRequested = false;
  let failed = false;
  const onSignal = () => {
    stopRequested = true;
    void mesh.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const registry = await mesh.startRegistry();
    // A supervisor that hosts the registry outlives its agents: others may still use it.
    supervisor.hostsRegistry = registry === "embedded";
    if (supervisor.hostsRegistry) Object.assign(options, { stayUp: true });
    writeRecord(home, supervisor);
    await mesh.startAgents();
    send({ type: "ready" });
    if (process.connected) process.disconnect();
    await mesh.untilDone();
  } catch (e) {
    failed = true;
    // The parent shows this and nothing else: name the whole log too.
    const { agent, launchId } = (isMeshError(e) && e.details) || {};
    const path =
      typeof agent === "string" && typeof launchId === "string" ? reporter.pathOf(agent, launchId) : undefined;
    send({ type: "failed", message: `${(e as Error).message}${path ? `\n  full log: ${path}` : ""}` });
    throw e;
  } finally {
    await mesh.stop();
    for (const r of records.values()) removeRecord(home, r);
    removeRecord(home, supervisor);
    if (!stopRequested && !failed) reporter.status("all agents exited", "info");
  }
}
