// How `meshctl start` shows what happens. In the foreground: progress on stderr, agent logs on
// stdout prefixed with the agent's name in its own colour. Detached: each agent's log in its
// own file under $MCP_MESH_HOME/logs, progress in meshctl.log and to the waiting parent.
import { appendFileSync } from "node:fs";
import type { MeshReporter } from "./local-mesh.js";
import type { LogLine } from "./log-lines.js";
import type { Colors, Output } from "./output.js";
import { logFile } from "./state-dir.js";

const PALETTE = ["cyan", "magenta", "yellow", "blue", "green"] as const;

function levelText(level: string | undefined, c: Colors): string {
  if (!level) return "";
  const padded = level.padEnd(5);
  return `${level === "ERROR" || level === "FATAL" ? c.red(padded) : level === "WARN" ? c.yellow(padded) : c.dim(padded)} `;
}

export function consoleReporter(out: Output, names: string[]): MeshReporter {
  const width = Math.max(8, ...names.map((n) => n.length));
  const tint = new Map(["registry", ...names].map((n, i) => [n, out.c[PALETTE[i % PALETTE.length] ?? "cyan"]]));
  const marks = { ok: out.c.green("✓"), bad: out.c.red("✗"), info: out.c.dim("•") };
  return {
    status: (text, tone = "info") => out.err(`${marks[tone]} ${text}`),
    log: (source, line: LogLine) => {
      const paint = tint.get(source) ?? ((s: string) => s);
      out.out(`${paint(source.padEnd(width))} ${out.c.dim("|")} ${levelText(line.level, out.c)}${line.text}`);
    },
  };
}

/** Log files for detached runs: one line per entry, timestamped, no colour. */
export function fileReporter(home: string, onStatus: (text: string, tone: string) => void): MeshReporter {
  const write = (name: string, text: string) => appendFileSync(logFile(home, name), `${text}\n`);
  const stamp = (line: LogLine) => new Date(line.time ?? Date.now()).toISOString();
  return {
    status: (text, tone = "info") => {
      write("meshctl", `${new Date().toISOString()} ${tone.toUpperCase().padEnd(4)} ${text}`);
      onStatus(text, tone);
    },
    log: (source, line) => write(source, `${stamp(line)} ${line.level ? `${line.level.padEnd(5)} ` : ""}${line.text}`),
  };
}
