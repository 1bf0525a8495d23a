// Why an agent process died, in the lines a person needs: the compiler's `file.ts:2:45: Expected
// "}"`, or the thrown error's message and where it was thrown, not Node's banner, the stack or
// `name: 'TransformError'`. Pure: it reads the last lines the process printed.
import type { LogLine } from "./log-lines.js";

/** How many of a process's last lines are kept to explain its death (memory stays bounded). */
export const TAIL_LINES = 80;
const MAX_LINE = 500;
const MAX_SHOWN = 5;

/** Node's and tsx's noise around an uncaught error. */
const NOISE = [
  /^\s*$/,
  /^\s+at\s/, // stack frames
  /^node:internal\//,
  /^\s*triggerUncaughtException\(/,
  /^\s*\^+\s*$/,
  /^\s*[{}]\s*$/,
  // `  name: 'TransformError'`, `  code: 'ERR_…'`: an error's properties as Node inspects them
  /^\s+\w+: (?:'.*'|"[^"]*"|-?\d+|\[.*\]|true|false|null|undefined),?$/,
  /^Node\.js v\d/,
  /^\s*\.\.\. \d+ lines matching cause stack trace \.\.\.$/,
];

/** `file.ts:2:45: ERROR: message` (esbuild/tsx, and most compilers). */
const COMPILER = /^(?:file:\/\/)?\S+\.[cm]?[jt]sx?:\d+:\d+:\s+\S/;
/** Node's first line of an uncaught error: where it was thrown. */
const THROW_SITE = /^(?:file:\/\/)?\/?\S+\.[cm]?[jt]sx?:\d+$/;
/** `Error: …`, `TypeError [ERR_X]: …`, `SyntaxError: …`, `MeshError: …`. */
const ERROR_LINE = /^(?:Uncaught\s+)?(?:[A-Z]\w*)?(?:Error|Exception)(?:\s\[[\w-]+\])?:\s*\S/;
/** A banner that only announces the lines after it. */
const ANNOUNCES = /^\w*Error(?:\s\[\w+\])?: Transform failed with \d+ errors?:?$/;

/** Keeps the last TAIL_LINES lines, each cut to a sane length. */
export function pushTail(tail: LogLine[], line: LogLine): void {
  tail.push(line.text.length > MAX_LINE ? { ...line, text: `${line.text.slice(0, MAX_LINE)}…` } : line);
  if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
}

/** The lines that say why the process failed, at most five; [] when it printed nothing useful. */
export function failureLines(tail: LogLine[]): string[] {
  const texts = tail.filter((l) => !l.level).map((l) => l.text.trimEnd());
  const meaningful = texts.filter((t) => !NOISE.some((re) => re.test(t)) && !ANNOUNCES.test(t.trim()));
  const compiler = meaningful.filter((t) => COMPILER.test(t.trim())).map((t) => t.trim());
  if (compiler.length > 0) return unique(compiler).slice(0, MAX_SHOWN);
  const logged = tail.filter((l) => l.level === "ERROR" || l.level === "FATAL").map((l) => l.text.trim());
  const thrown = meaningful.map((t) => t.trim()).filter((t) => ERROR_LINE.test(t));
  const lastThrown = thrown.at(-1);
  if (lastThrown) {
    const site = meaningful.map((t) => t.trim()).find((t) => THROW_SITE.test(t));
    return unique([...logged, site ? `${lastThrown} (at ${site.replace(/^file:\/\//, "")})` : lastThrown]).slice(
      -MAX_SHOWN,
    );
  }
  if (logged.length > 0) return unique(logged).slice(-MAX_SHOWN);
  return meaningful.slice(-3).map((t) => t.trim());
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}

/** The failure as the end of one sentence: `: line` or `:\n    line\n    line`. */
export function failureSuffix(lines: string[]): string {
  if (lines.length === 0) return " (it printed nothing that says why)";
  if (lines.length === 1) return `: ${lines[0]}`;
  return `:\n${lines.map((l) => `    ${l}`).join("\n")}`;
}
