// Where a detached agent's log lives: one file per agent *process*, never per name, so replicas
// and restarts of one agent never share, rotate or overwrite each other's log:
//   logs/<name>/launch-<launch id>.log   while meshctl does not yet know the agent's id
//   logs/<name>/<agent id>.log           from the moment it does (the same file, renamed)
// <name> is the agent file's name (what `meshctl stop/logs` accept).
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { logsDir } from "./state-dir.js";

/** Logs kept per agent name, besides those of running agents; older ones are removed. */
export const KEEP_AGENT_LOGS = 10;

const LAUNCH_PREFIX = "launch-";

export interface AgentLog {
  /** The agent file's name: the folder the log is in. */
  name: string;
  /** The agent id, or `launch-…` for a process that never told its id. */
  key: string;
  path: string;
  mtimeMs: number;
}

export function agentLogDir(home: string, name: string): string {
  return join(logsDir(home), name);
}

export function launchLogFile(home: string, name: string, launchId: string): string {
  return join(agentLogDir(home, name), `${LAUNCH_PREFIX}${launchId}.log`);
}

/** Renames a launch's log after the agent id; returns the path to write to from now on. */
export function nameLogAfterAgent(path: string, agentId: string): string {
  const target = join(dirname(path), `${safeFileName(agentId)}.log`);
  if (target === path) return path;
  try {
    renameSync(path, target);
  } catch (e) {
    // Nothing written yet: the file simply starts under its final name.
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return path;
  }
  return target;
}

/** Agent ids come from the network (a registry, a log line): never let one leave the folder. */
function safeFileName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200) || "_";
}

/** Every agent log there is, newest first. */
export function agentLogs(home: string): AgentLog[] {
  const root = logsDir(home);
  if (!existsSync(root)) return [];
  const logs: AgentLog[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!isDirectory(dir)) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".log")) continue;
      const path = join(dir, file);
      try {
        logs.push({ name, key: basename(file, ".log"), path, mtimeMs: statSync(path).mtimeMs });
      } catch {
        // removed meanwhile
      }
    }
  }
  return logs.sort((a, b) => b.mtimeMs - a.mtimeMs);
}

/** Keeps the newest `keep` logs of `name` plus every log in `live` (paths of running agents). */
export function pruneAgentLogs(home: string, name: string, live: Set<string>, keep = KEEP_AGENT_LOGS): void {
  const old = agentLogs(home).filter((l) => l.name === name && !live.has(l.path));
  for (const log of old.slice(keep)) rmSync(log.path, { force: true });
}

export function ensureAgentLogDir(home: string, name: string): void {
  mkdirSync(agentLogDir(home, name), { recursive: true });
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
