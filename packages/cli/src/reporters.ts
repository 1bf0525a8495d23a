// How `meshctl start` shows what happens. In the foreground: progress on stderr, agent logs on
// stdout prefixed with the agent's name in its own colour. Detached: each agent process's log in
// its own file (agent-logs.ts), progress in meshctl.log and to the waiting parent.
import { appendFileSync } from "node:fs";
import { ensureAgentLogDir, launchLogFile, nameLogAfterAgent } from "./agent-logs.js";
import type { MeshReporter, Tone } from "./local-mesh.js";
import type { LogLine } from "./log-lines.js";
import type { Colors, Output } from "./output.js";
import { logFile } from "./state-dir.js";

const PALETTE = ["cyan", "magenta", "yellow", "blue", "green"] as const;

function levelText(level: string | undefined, c: Colors): string {
  if (!level) return "";
  const padded = level.padEnd(5);
  return `${level === "ERROR" || level === "FATAL" ? c.red(padded) : level === "WARN" ? c.yellow(padded) : c.dim(padded)} `;
}

export function statusMarks(c: Colors): Record<Tone, string> {
  return { ok: c.green("✓"), bad: c.red("✗"), info: c.dim("•"), warn: c.yellow("!") };
}

export function consoleReporter(out: Output, names: string[]): MeshReporter {
  const width = Math.max(8, ...names.map((n) => n.length));
  const tint = new Map(["registry", ...names].map((n, i) => [n, out.c[PALETTE[i % PALETTE.length] ?? "cyan"]]));
  const marks = statusMarks(out.c);
  return {
    status: (text, tone = "info") => out.err(`${marks[tone]} ${text}`),
    log: (source, line: LogLine) => {
      const paint = tint.get(source) ?? ((s: string) => s);
      out.out(`${paint(source.padEnd(width))} ${out.c.dim("|")} ${levelText(line.level, out.c)}${line.text}`);
    },
  };
}

export interface FileReporter extends MeshReporter {
  /** The log file of an agent process (source = entry name, launch id = its process). */
  pathOf(source: string, launchId: string): string;
  /** The process is that agent: its log takes the agent id's name. */
  identify(source: string, launchId: string, agentId: string): string;
}

/** Log files for detached runs: one line per entry, timestamped, no colour. */
export function fileReporter(home: string, onStatus: (text: string, tone: Tone) => void): FileReporter {
  const write = (path: string, text: string) => appendFileSync(path, `${text}\n`);
  const stamp = (line: LogLine) => new Date(line.time ?? Date.now()).toISOString();
  // Launch id → where that process's lines go now; a launch is renamed once, to its agent id.
  const paths = new Map<string, { path: string; named: boolean }>();
  const launch = (source: string, launchId: string) => {
    let entry = paths.get(launchId);
    if (!entry) {
      ensureAgentLogDir(home, source);
      entry = { path: launchLogFile(home, source, launchId), named: false };
      paths.set(launchId, entry);
    }
    return entry;
  };
  const identify = (source: string, launchId: string, agentId: string) => {
    const entry = launch(source, launchId);
    if (!entry.named) {
      entry.path = nameLogAfterAgent(entry.path, agentId);
      entry.named = true;
    }
    return entry.path;
  };
  return {
    status: (text, tone = "info") => {
      write(logFile(home, "meshctl"), `${new Date().toISOString()} ${tone.toUpperCase().padEnd(4)} ${text}`);
      onStatus(text, tone);
    },
    log: (source, line, _stream, launchId) => {
      const text = `${stamp(line)} ${line.level ? `${line.level.padEnd(5)} ` : ""}${line.text}`;
      if (launchId === undefined) return write(logFile(home, source), text);
      if (line.agentId) identify(source, launchId, line.agentId);
      write(launch(source, launchId).path, text);
    },
    pathOf: (source, launchId) => launch(source, launchId).path,
    identify,
  };
}
