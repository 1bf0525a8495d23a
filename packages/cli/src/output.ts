// Where a command writes, and whether it may decorate. Colour follows the usual conventions:
// NO_COLOR (any value) turns it off, FORCE_COLOR turns it on, otherwise only a terminal gets it.
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Output {
  /** One line (or several) on stdout. */
  out(text: string): void;
  /** Text on stdout exactly as given, no newline added (a stream's chunks). */
  write(text: string): void;
  /** Diagnostics and progress on stderr, so stdout stays clean for pipes. */
  err(text: string): void;
  c: Colors;
  color: boolean;
}

export function colorEnabled(sink: Sink, env: NodeJS.ProcessEnv): boolean {
  if ("NO_COLOR" in env && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return sink.isTTY === true && env.TERM !== "dumb";
}

export function createOutput(stdout: Sink, stderr: Sink, env: NodeJS.ProcessEnv): Output {
  const color = colorEnabled(stdout, env);
  return {
    out: (text) => stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    write: (text) => void stdout.write(text),
    err: (text) => stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    c: pc.createColors(color),
    color,
  };
}
