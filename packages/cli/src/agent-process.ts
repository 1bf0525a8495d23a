// One agent file running as a child process: `node --import tsx --import <fallback hook> file`,
// so TypeScript runs with no build step and `@mcp-mesh/sdk` / `zod` resolve from meshctl's own
// install when the agent's folder has no node_modules. Output arrives line by line.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { delimiter, dirname } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { AgentEntry } from "./agent-files.js";
import { failureLines, pushTail } from "./failure-lines.js";
import { type LogLine, parseLogLine } from "./log-lines.js";

export interface AgentProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `launchId` names the process that printed the line: a restart's old process may still print. */
  onLine(line: LogLine, stream: "stdout" | "stderr", launchId: string): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

const TSX_LOADER = import.meta.resolve("tsx");
const FALLBACK_HOOK = new URL("./agent-hooks/register.js", import.meta.url).href;

/**
 * tsx runs a .ts file outside a "type": "module" package as CommonJS, and require() does not
 * go through the ESM resolve hook: NODE_PATH gives it the same fallback, the node_modules
 * folders meshctl (and the SDK, for zod) resolve from.
 */
function fallbackNodePath(): string[] {
  const fromCli = createRequire(import.meta.url);
  const paths = [...(fromCli.resolve.paths("@mcp-mesh/sdk") ?? [])];
  try {
    const sdkDir = dirname(fileURLToPath(import.meta.resolve("@mcp-mesh/sdk")));
    paths.push(...(createRequire(`${sdkDir}/`).resolve.paths("zod") ?? []));
  } catch {
    // no SDK next to meshctl
  }
  return [...new Set(paths)];
}

export function agentNodePath(existing: string | undefined): string {
  return [...(existing ? existing.split(delimiter) : []), ...fallbackNodePath()].join(delimiter);
}

export class AgentProcess {
  readonly entry: AgentEntry;
  /** Learned from the agent's own log lines (our SDK logs its id on every line). */
  agentId: string | undefined;
  /** Names the current process (one per start()), before its agent id is known. */
  launchId: string | undefined;
  /** The current process's last lines, to say why it died (failureLines). */
  private tail: LogLine[] = [];
  private spawnError: string | undefined;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The stop under way for the current child: a second SIGTERM would cut its unregistering short. */
  private stopping: { child: ChildProcess; done: Promise<void> } | undefined;
  private readonly opts: AgentProcessOptions;

  constructor(entry: AgentEntry, opts: AgentProcessOptions) {
    this.entry = entry;
    this.opts = opts;
  }

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  /** What the current (or last) process printed that says why it failed; [] when nothing did. */
  get failure(): string[] {
    return this.spawnError ? [this.spawnError] : failureLines(this.tail);
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the file; one process at a time (stop() the previous one and wait for it first). */
  start(): void {
    if (this.running) throw new Error(`${this.entry.name} is still running (pid ${this.child?.pid})`);
    this.agentId = undefined;
    this.tail = [];
    this.spawnError = undefined;
    const child = spawn(process.execPath, ["--import", TSX_LOADER, "--import", FALLBACK_HOOK, this.entry.file], {
      cwd: this.opts.cwd,
      env: { ...this.opts.env, MESHCTL_AGENT: "1", NODE_PATH: agentNodePath(this.opts.env.NODE_PATH) },
      // The IPC channel only tells the agent when meshctl is gone (see agent-hooks/register.ts).
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.child = child;
    const launchId = `${Date.now().toString(36)}-${child.pid ?? "x"}`;
    this.launchId = launchId;
    const tail = this.tail;
    const follow = (stream: NodeJS.ReadableStream | null, name: "stdout" | "stderr") => {
      if (!stream) return;
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (raw) => {
        const line = parseLogLine(raw);
        // A previous process's last lines may still arrive: they are its log, not this one's id.
        if (this.child === child && line.agentId) this.agentId ??= line.agentId;
        pushTail(tail, line);
        this.opts.onLine(line, name, launchId);
      });
    };
    follow(child.stdout, "stdout");
    follow(child.stderr, "stderr");
    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        this.spawnError = err.message;
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.opts.onExit(code, signal);
        resolve();
      });
    });
  }

  /**
   * SIGTERM (our agents unregister on it), SIGKILL after `timeoutMs`; resolves once gone. Calls
   * while a stop is under way share it: our SDK takes a second SIGTERM as "die now".
   */
  stop(timeoutMs: number): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return this.exited;
    if (this.stopping?.child === child) return this.stopping.done;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const done = this.exited.finally(() => clearTimeout(timer));
    this.stopping = { child, done };
    return done;
  }
}
