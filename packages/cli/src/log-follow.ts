// Showing and following several log files as one stream, each line prefixed with whose it is.
// Files are tracked by inode, so a launch's log renamed to its agent id is the same file, not a
// new one printed twice; only whole lines are printed, so a line never splits across prefixes.
import { existsSync, readFileSync, statSync } from "node:fs";
import { open } from "node:fs/promises";

export interface LogSource {
  key: string;
  path: string;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/;

export function lastLines(text: string, n: number): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return n === 0 ? lines : lines.slice(-n);
}

/**
 * The last `tail` lines of each file, merged in time order (the timestamps meshctl writes at the
 * start of each line); with `prefix`, each line starts with its file's key.
 */
export function mergedTail(sources: LogSource[], tail: number, prefix: boolean): { text: string; sizes: number[] } {
  const width = Math.max(0, ...sources.map((s) => s.key.length));
  const rows: Array<{ at: string; file: number; line: number; text: string }> = [];
  const sizes: number[] = [];
  sources.forEach((s, file) => {
    const text = existsSync(s.path) ? readFileSync(s.path, "utf8") : "";
    sizes.push(Buffer.byteLength(text));
    let at = "";
    lastLines(text, tail).forEach((line, i) => {
      at = ISO.exec(line)?.[0] ?? at;
      rows.push({ at, file, line: i, text: prefix ? `${s.key.padEnd(width)} | ${line}` : line });
    });
  });
  rows.sort((a, b) => (a.at === b.at ? a.file - b.file || a.line - b.line : a.at < b.at ? -1 : 1));
  return { text: rows.map((r) => r.text).join("\n"), sizes };
}

interface Followed {
  key: string;
  path: string;
  offset: number;
  /** The start of a line whose end has not been written yet. */
  partial: string;
}

function inode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/**
 * Prints what is appended to `sources` (from `sizes`) and to files `more()` names later, until
 * SIGINT/SIGTERM. New files are printed from their first line.
 */
export async function followLogs(
  sources: LogSource[],
  sizes: number[],
  more: () => LogSource[],
  prefix: boolean,
  write: (s: string) => void,
): Promise<void> {
  const files = new Map<number, Followed>();
  const add = (s: LogSource, offset: number) => {
    const ino = inode(s.path);
    if (ino === undefined) return;
    const known = files.get(ino);
    if (known) Object.assign(known, { key: s.key, path: s.path });
    else files.set(ino, { ...s, offset, partial: "" });
  };
  for (const [i, s] of sources.entries()) add(s, sizes[i] ?? 0);
  const stopped = new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  let done = false;
  void stopped.then(() => (done = true));
  while (!done) {
    for (const s of more()) add(s, 0);
    const width = Math.max(0, ...[...files.values()].map((f) => f.key.length));
    for (const f of files.values()) {
      const text = await readNew(f);
      if (!text) continue;
      const lines = (f.partial + text).split("\n");
      f.partial = lines.pop() ?? "";
      if (lines.length === 0) continue;
      write(`${lines.map((l) => (prefix ? `${f.key.padEnd(width)} | ${l}` : l)).join("\n")}\n`);
    }
    await Promise.race([stopped, new Promise((r) => setTimeout(r, 250))]);
  }
}

async function readNew(f: Followed): Promise<string> {
  let size: number;
  try {
    size = statSync(f.path).size;
  } catch {
    return ""; // renamed meanwhile: the next more() names its new path
  }
  if (size < f.offset) f.offset = 0; // truncated: a new start
  if (size === f.offset) return "";
  const handle = await open(f.path, "r");
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(size - f.offset), 0, size - f.offset, f.offset);
    f.offset += bytesRead;
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}
