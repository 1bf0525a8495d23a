// A mesh on this machine, as `meshctl start` runs it: the registry (an existing one, or one
// embedded in this process), agent processes, their registration, restarts under --watch, and
// an orderly shutdown (agents first, so they unregister, then the registry).
import type { AgentEntry } from "./agent-files.js";
import type { AgentInfo } from "./agent-info.js";
import { AgentProcess } from "./agent-process.js";
import { type EmbeddedRegistry, startEmbeddedRegistry } from "./embedded-registry.js";
import { ErrorCodes, MeshError } from "./errors.js";
import { failureSuffix } from "./failure-lines.js";
import { watchTree } from "./file-watch.js";
import type { LogLine } from "./log-lines.js";
import { createRegistryClient, type RegistryClient } from "./registry-client.js";

export interface MeshOptions {
  entries: AgentEntry[];
  /** The registry to use, or to start here when none of `registryUrls` answers. */
  registryUrl: string;
  /** Every registry given (the agents get them all); default just `registryUrl`. */
  registryUrls?: string[];
  dbPath: string;
  /** meshctl's environment: registry settings for an embedded registry. */
  env: NodeJS.ProcessEnv;
  /** The agents' environment (MCP_MESH_REGISTRY_URL and --env already in). */
  agentEnv: NodeJS.ProcessEnv;
  cwd: string;
  watch: boolean;
  /** Keep running when every agent has exited (registry only, or hosting a shared registry). */
  stayUp: boolean;
  startupTimeoutMs: number;
  shutdownTimeoutMs: number;
  registryLogLevel: string;
}

export interface MeshReporter {
  /** Progress and state changes, one line each. */
  status(text: string, tone?: Tone): void;
  /**
   * A log line of an agent (source = entry name, launchId = its process) or of the embedded
   * registry ("registry", no launchId).
   */
  log(source: string, line: LogLine, stream: "stdout" | "stderr", launchId?: string): void;
  /** An agent answered as registered (again, after a restart). */
  registered?(proc: AgentProcess, agent: AgentInfo): void;
  /** An agent process is gone (exit or restart). */
  exited?(proc: AgentProcess): void;
  /** An agent process was just spawned (its pid is known; it has not registered yet). */
  spawned?(proc: AgentProcess): void;
}

export type Tone = "ok" | "bad" | "info" | "warn";

const POLL_MS = 200;
const NOTE_EVERY_MS = 5000;

export class LocalMesh {
  readonly client: RegistryClient;
  readonly procs: AgentProcess[];
  registry: EmbeddedRegistry | undefined;
  private readonly opts: MeshOptions;
  private readonly report: MeshReporter;
  private stopping = false;
  /** Exits that are expected (restart) or reported otherwise (start-up failure) stay quiet. */
  private quiet = new Set<AgentProcess>();
  private failingFast = false;
  private closeWatchers: Array<() => void> = [];
  /** Agents with a restart under way; `again` is the file that changed meanwhile, if any. */
  private readonly restarting = new Map<AgentProcess, { again?: string }>();
  private settle: (() => void) | undefined;
  private readonly done: Promise<void>;

  constructor(opts: MeshOptions, report: MeshReporter) {
    this.opts = opts;
    this.report = report;
    this.client = createRegistryClient(opts.registryUrls ?? [opts.registryUrl], 5000);
    this.done = new Promise((resolve) => (this.settle = resolve));
    this.procs = opts.entries.map((entry) => {
      const proc: AgentProcess = new AgentProcess(entry, {
        env: opts.agentEnv,
        cwd: opts.cwd,
        onLine: (line, stream, launchId) => {
          report.log(entry.name, line, stream, launchId);
          // The SDK took another port than the one asked for: easy to miss among the logs.
          if (line.portMoved) report.status(`${entry.name}: ${line.portMoved}`, "warn");
        },
        onExit: (code, signal) => this.onExit(proc, code, signal),
      });
      return proc;
    });
  }

  /** Uses the registry at the URL when it answers, else starts one here. */
  async startRegistry(): Promise<"existing" | "embedded"> {
    if (await this.client.isUp()) {
      this.report.status(`registry: using ${this.client.url}`, "info");
      return "existing";
    }
    this.registry = await startEmbeddedRegistry({
      url: this.opts.registryUrl,
      dbPath: this.opts.dbPath,
      logLevel: this.opts.registryLogLevel,
      env: this.opts.env,
      onLog: (line) => this.report.log("registry", line, "stderr"),
    });
    this.report.status(`registry: started ${this.opts.registryUrl} (database ${this.opts.dbPath})`, "ok");
    return "embedded";
  }

  /** Spawns every agent and waits until each is registered; under --watch failures are not fatal. */
  async startAgents(): Promise<void> {
    if (this.procs.length === 0) return;
    const known = new Set((await this.client.agents()).map((a) => a.id));
    for (const proc of this.procs) {
      proc.start();
      this.report.spawned?.(proc);
    }
    if (this.opts.watch) {
      // Changes while the agents start up restart them once they are up, as during a restart.
      for (const proc of this.procs) this.restarting.set(proc, {});
      this.watchSources();
    }
    this.report.status(`waiting for ${this.procs.map((p) => p.entry.name).join(", ")} to register…`, "info");
    this.failingFast = !this.opts.watch;
    try {
      await this.waitRegistered(this.procs, known, !this.opts.watch);
    } finally {
      this.failingFast = false;
      if (this.opts.watch) this.restartsDone(this.procs);
    }
  }

  /** stop() was called (Ctrl-C, SIGTERM). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** Resolves when stop() was called, or every agent has exited (without --watch). */
  untilDone(): Promise<void> {
    return this.done;
  }

  async stop(): Promise<void> {
    if (this.stopping) return this.done;
    this.stopping = true;
    for (const close of this.closeWatchers) close();
    await Promise.all(this.procs.map((p) => p.stop(this.opts.shutdownTimeoutMs)));
    if (this.registry) await this.registry.close();
    this.settle?.();
  }

  private onExit(proc: AgentProcess, code: number | null, signal: NodeJS.Signals | null): void {
    this.report.exited?.(proc);
    if (this.stopping || this.failingFast || this.quiet.has(proc)) return;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    const why = code === 0 ? "" : failureSuffix(proc.failure);
    this.report.status(`${proc.entry.name} ${how}${why}`, code === 0 ? "info" : "bad");
    if (!this.opts.watch && !this.opts.stayUp && this.procs.every((p) => !p.running)) this.settle?.();
  }

  private async waitRegistered(procs: AgentProcess[], known: Set<string>, failFast: boolean): Promise<void> {
    const started = Date.now();
    const pending = new Set(procs);
    let nextNote = started + NOTE_EVERY_MS;
    while (pending.size > 0 && !this.stopping) {
      for (const proc of pending) {
        if (proc.running) continue;
        pending.delete(proc);
        if (failFast) {
          throw new MeshError(
            ErrorCodes.START_FAILED,
            `${proc.entry.name} (${proc.entry.file}) stopped before it registered${failureSuffix(proc.failure)}`,
            { agent: proc.entry.name, ...(proc.launchId && { launchId: proc.launchId }) },
          );
        }
      }
      const agents = await this.client.agents().catch(() => [] as AgentInfo[]);
      for (const proc of pending) {
        const agent = this.registeredAgent(proc, agents, known, Date.now() - started);
        if (!agent) continue;
        pending.delete(proc);
        known.add(agent.id);
        this.report.status(
          `${proc.entry.name} registered as ${agent.id} at ${agent.endpoint} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
          "ok",
        );
        this.report.registered?.(proc, agent);
      }
      const now = Date.now();
      if (pending.size > 0 && now - started > this.opts.startupTimeoutMs) {
        const names = [...pending].map((p) => p.entry.name).join(", ");
        const message = `${names} did not register with ${this.opts.registryUrl} within ${this.opts.startupTimeoutMs / 1000} s: does the file create an agent with mesh.agent(...)? (raise --startup-timeout if it is slow)`;
        if (failFast) throw new MeshError(ErrorCodes.START_FAILED, message);
        this.report.status(message, "bad");
        return;
      }
      if (pending.size > 0 && now >= nextNote) {
        nextNote = now + NOTE_EVERY_MS;
        this.report.status(
          `still waiting for ${[...pending].map((p) => p.entry.name).join(", ")} (${Math.round((now - started) / 1000)} s)`,
          "info",
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  /**
   * The registry's record of this process. Our SDK names its agent id in its log lines; for an
   * agent that logs nothing we know of, after a few seconds a new healthy agent nobody else
   * claims is taken to be it.
   */
  private registeredAgent(proc: AgentProcess, agents: AgentInfo[], known: Set<string>, waitedMs: number) {
    const healthy = agents.filter((a) => a.status === "healthy");
    if (proc.agentId) return healthy.find((a) => a.id === proc.agentId);
    if (waitedMs < 3000) return undefined;
    const claimed = new Set(this.procs.map((p) => p.agentId).filter(Boolean));
    return healthy.find((a) => !known.has(a.id) && !claimed.has(a.id));
  }

  private watchSources(): void {
    const roots = new Map<string, AgentProcess[]>();
    for (const proc of this.procs) roots.set(proc.entry.watchRoot, [...(roots.get(proc.entry.watchRoot) ?? []), proc]);
    for (const [root, procs] of roots) {
      this.closeWatchers.push(
        watchTree(root, (file) => {
          // Editing one agent's own file restarts that agent; any other file may be shared.
          const own = procs.filter((p) => p.entry.file === file);
          this.requestRestart(own.length > 0 ? own : procs, file);
        }),
      );
    }
  }

  /**
   * Restarts of one agent run one at a time: changes while its restart is under way (stop, start,
   * wait until registered) collapse into one follow-up restart once it is done, so the process
   * being replaced has always fully stopped (unregistered, or killed after the shutdown timeout)
   * before the next one starts.
   */
  private requestRestart(procs: AgentProcess[], file: string): void {
    if (this.stopping) return;
    const idle: AgentProcess[] = [];
    for (const proc of procs) {
      const busy = this.restarting.get(proc);
      if (busy) busy.again = file;
      else idle.push(proc);
    }
    if (idle.length > 0) void this.restartSerially(idle, file);
  }

  private async restartSerially(procs: AgentProcess[], file: string): Promise<void> {
    for (const proc of procs) this.restarting.set(proc, {});
    try {
      await this.restart(procs, file);
    } catch (e) {
      this.report.status(
        `restarting ${procs.map((p) => p.entry.name).join(", ")} failed: ${(e as Error).message}`,
        "bad",
      );
    }
    this.restartsDone(procs);
  }

  /** Ends the restarts of `procs`; those whose files changed meanwhile restart once more. */
  private restartsDone(procs: AgentProcess[]): void {
    // Grouped by the file that last changed, as the watcher would have asked.
    const again = new Map<string, AgentProcess[]>();
    for (const proc of procs) {
      const changed = this.restarting.get(proc)?.again;
      this.restarting.delete(proc);
      if (changed !== undefined) again.set(changed, [...(again.get(changed) ?? []), proc]);
    }
    for (const [changed, next] of again) this.requestRestart(next, changed);
  }

  private async restart(procs: AgentProcess[], file: string): Promise<void> {
    if (this.stopping) return;
    this.report.status(`${file} changed: restarting ${procs.map((p) => p.entry.name).join(", ")}`, "info");
    const known = new Set((await this.client.agents().catch(() => [] as AgentInfo[])).map((a) => a.id));
    for (const proc of procs) {
      this.quiet.add(proc);
      try {
        await proc.stop(this.opts.shutdownTimeoutMs);
      } finally {
        this.quiet.delete(proc);
      }
      if (this.stopping) return;
      proc.start();
      this.report.spawned?.(proc);
    }
    await this.waitRegistered(procs, known, false);
  }
}
