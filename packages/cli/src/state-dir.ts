// Where detached runs keep their state: $MCP_MESH_HOME (default ~/.mcp-mesh) holds
//   run/<name>.json   one record per detached process (supervisor or agent): pid, files, ids
//   logs/<name>/<agent id>.log   the log of each agent process (agent-logs.ts)
//   logs/registry.log, logs/meshctl.log   an embedded registry's and the background meshctl's
//   mcp_mesh_registry.db   the embedded registry's database (as the reference meshctl)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface ProcessRecord {
  kind: "supervisor" | "agent";
  /** The name `meshctl stop/logs` accept: the file's base name, or "registry". */
  name: string;
  pid: number;
  /** The detached `meshctl start` that owns this process. */
  supervisorPid: number;
  file?: string;
  logFile?: string;
  agentId?: string;
  registryUrl: string;
  /** A supervisor that runs the embedded registry. */
  hostsRegistry?: boolean;
  startedAt: string;
}

export function meshHome(env: NodeJS.ProcessEnv): string {
  return env.MCP_MESH_HOME || join(homedir(), ".mcp-mesh");
}

export function logsDir(home: string): string {
  return join(home, "logs");
}

export function logFile(home: string, name: string, previous = 0): string {
  return join(logsDir(home), previous === 0 ? `${name}.log` : `${name}.${previous}.log`);
}

function runDir(home: string): string {
  return join(home, "run");
}

function recordPath(home: string, record: Pick<ProcessRecord, "kind" | "name" | "pid">): string {
  return join(runDir(home), `${record.kind}-${record.name}-${record.pid}.json`);
}

export function writeRecord(home: string, record: ProcessRecord): void {
  mkdirSync(runDir(home), { recursive: true });
  writeFileSync(recordPath(home, record), `${JSON.stringify(record, null, 2)}\n`);
}

export function removeRecord(home: string, record: ProcessRecord): void {
  rmSync(recordPath(home, record), { force: true });
}

/** Records of processes still alive; records of dead ones are removed on the way. */
export function liveRecords(home: string): ProcessRecord[] {
  const dir = runDir(home);
  if (!existsSync(dir)) return [];
  const records: ProcessRecord[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    let record: ProcessRecord;
    try {
      record = JSON.parse(readFileSync(join(dir, file), "utf8")) as ProcessRecord;
    } catch {
      continue;
    }
    if (isAlive(record.pid)) records.push(record);
    else rmSync(join(dir, file), { force: true });
  }
  return records;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
