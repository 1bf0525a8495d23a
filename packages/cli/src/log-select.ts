// Which log files `meshctl logs <query>` means. An agent id (or a unique prefix of one) is exactly
// that process's log; an agent's name is all its replicas: the logs of those running now, else
// the newest one; anything else is a flat log (registry, meshctl, or a pre-0.2 <name>.log).
import { existsSync, readdirSync } from "node:fs";
import { type AgentLog, agentLogs } from "./agent-logs.js";
import { ErrorCodes, MeshError } from "./errors.js";
import { liveRecords, logFile, logsDir } from "./state-dir.js";

export interface LogSelection {
  /** Whose logs: an agent name (lines get their agent id as a prefix) or one file. */
  kind: "name" | "one";
  files: Array<{ key: string; path: string }>;
  /** For -f: the files to show as they appear (a new replica or restart of that name). */
  more(): Array<{ key: string; path: string }>;
}

/** The agent's name in its id `<name>-<8 hex>` (ids from our SDK and the reference runtimes). */
function nameOfId(id: string): string | undefined {
  return /^(.+)-[0-9a-f]{8}$/.exec(id)?.[1];
}

export function selectLogs(home: string, query: string, previous: number): LogSelection {
  const all = agentLogs(home);
  const one = (log: AgentLog): LogSelection => ({
    kind: "one",
    files: [{ key: log.key, path: log.path }],
    more: () => [],
  });
  const exact = all.find((l) => l.key === query);
  if (exact) return one(exact);
  const ofName = (logs: AgentLog[]) => logs.filter((l) => l.name === query || nameOfId(l.key) === query);
  const named = ofName(all);
  if (named.length > 0) {
    const running = (logs: AgentLog[]) => {
      const live = new Set(liveRecords(home).flatMap((r) => (r.logFile ? [r.logFile] : [])));
      return logs.filter((l) => live.has(l.path));
    };
    const now = running(named);
    let files = previous > 0 || now.length === 0 ? named.slice(previous, previous + 1) : now;
    if (files.length === 0) {
      throw new MeshError(
        ErrorCodes.NOT_FOUND,
        `${query} has ${named.length} log(s) kept: -p ${previous} is too far back`,
      );
    }
    files = [...files].reverse(); // oldest first: the order their lines began
    return {
      kind: "name",
      files: files.map((l) => ({ key: l.key, path: l.path })),
      more: () => running(ofName(agentLogs(home))).map((l) => ({ key: l.key, path: l.path })),
    };
  }
  const prefixed = all.filter((l) => l.key.startsWith(query));
  const [first] = prefixed;
  if (first && prefixed.length === 1) return one(first);
  if (prefixed.length > 1) {
    throw new MeshError(
      ErrorCodes.AMBIGUOUS,
      `'${query}' matches ${prefixed.length} agent logs (${prefixed.map((l) => l.key).join(", ")}): give more of the id`,
    );
  }
  const flat = logFile(home, query, previous);
  if (existsSync(flat)) return { kind: "one", files: [{ key: query, path: flat }], more: () => [] };
  if (existsSync(logFile(home, query))) {
    throw new MeshError(ErrorCodes.NOT_FOUND, `no log ${flat}: ${query} has not restarted that often`);
  }
  const known = availableLogs(home);
  throw new MeshError(
    ErrorCodes.NOT_FOUND,
    `no log for '${query}' in ${logsDir(home)}${known.length > 0 ? ` (have: ${known.join(", ")})` : ": start agents with 'meshctl start --detach'"}`,
  );
}

/** What `logs --list` shows: agent names with their logs (ids), then the flat logs. */
export function availableLogs(home: string): string[] {
  const names = new Set(agentLogs(home).map((l) => l.name));
  const flat = flatLogs(home).filter((n) => !names.has(n));
  return [...names, ...flat].sort();
}

export function listLines(home: string): string[] {
  const live = new Set(liveRecords(home).flatMap((r) => (r.logFile ? [r.logFile] : [])));
  const logs = agentLogs(home);
  const lines = [...new Set(logs.map((l) => l.name))]
    .sort()
    .flatMap((name) => [
      name,
      ...logs
        .filter((l) => l.name === name)
        .map((l) => `  ${l.key}  ${new Date(l.mtimeMs).toISOString()}${live.has(l.path) ? "  running" : ""}`),
    ]);
  return [...lines, ...flatLogs(home)];
}

/** logs/<name>.log: the registry's, meshctl's own, and agent logs written before 0.2. */
function flatLogs(home: string): string[] {
  const dir = logsDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".log") && !/\.\d+\.log$/.test(f))
    .map((f) => f.replace(/\.log$/, ""))
    .sort();
}
