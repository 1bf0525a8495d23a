// What every command gets: where to write, the environment, and the clock. Commands are plain
// async functions over this, so tests call them directly with captured output.
import type { Output } from "./output.js";

export interface Context {
  out: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now(): number;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  /** Resolves when done; failures are thrown as MeshError and reported by main(). */
  run(argv: string[], ctx: Context): Promise<void>;
}
