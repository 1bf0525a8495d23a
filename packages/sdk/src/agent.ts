// A running mesh agent: its tools, its one MCP server, its HTTP listener, its registry link and
// its wiring. `start()` is one async function whose locals show the data flow: config → server
// → listener → registration → wiring.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { ErrorCodes, rfc3339 } from "@mcp-mesh/protocol";
import type { CallToolResult, McpServer } from "@modelcontextprotocol/server";
import pino, { type Logger } from "pino";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { callContext } from "./call-context.js";
import { endpointAnswers } from "./client/probe.js";
import { type AgentConfig, configError, parseAgentConfig } from "./config.js";
import { decodeResponse } from "./decode-result.js";
import { HeartbeatLoop } from "./heartbeat.js";
import { detectHost } from "./host.js";
import { createHttpServer, listen } from "./http-server.js";
import { McpEndpoint, newContext } from "./mcp-endpoint.js";
import { type AgentMetrics, createMetrics } from "./metrics.js";
import { createOutlierTracker, outlierMessage } from "./outlier.js";
import { readiness, runHealthCheck } from "./probes.js";
import { createProxy, fakeTool } from "./proxy.js";
import { deleteAgent, registrationPayload } from "./registration.js";
import { installSignalHandlers, running } from "./signals.js";
import { normalizeTool, type RuntimeTool, toCallToolResult } from "./tool.js";
import { createDispatcher } from "./transport-client.js";
import type {
  AgentHandle,
  AgentOptions,
  DependencyMap,
  InputDeclaration,
  McpMeshTool,
  ToolArgs,
  ToolContext,
  ToolDefinition,
} from "./types.js";
import { WatchStream } from "./watch-stream.js";
import { Wiring } from "./wiring.js";

type State = "idle" | "starting" | "running" | "stopping" | "stopped";

interface Live {
  config: AgentConfig;
  agentId: string;
  url: string;
  port: number;
  logger: Logger;
  metrics: AgentMetrics;
  dispatcher: Dispatcher;
  wiring: Wiring;
  http: Server;
  heartbeat: HeartbeatLoop | undefined;
  watch: WatchStream | undefined;
  startedAt: number;
}

export class MeshAgent {
  private readonly endpoint: McpEndpoint;
  private readonly tools: RuntimeTool[] = [];
  private readonly problems: string[] = [];
  private state: State = "idle";
  private starting: Promise<AgentHandle> | undefined;
  private live: Live | undefined;

  constructor(readonly options: AgentOptions) {
    this.endpoint = new McpEndpoint({ name: options.name, version: options.version ?? "1.0.0" });
    const autoRunEnv = (options.env ?? process.env).MCP_MESH_AUTO_RUN?.trim().toLowerCase();
    const autoRun = autoRunEnv ? !["0", "false", "no", "off"].includes(autoRunEnv) : options.autoRun !== false;
    // Start once the module that declared the agent (and its tools) has finished loading.
    if (autoRun) setTimeout(() => this.autoStart(), 0);
  }

  /** The official SDK's McpServer behind /mcp: add resources and prompts to it directly. */
  get server(): McpServer {
    return this.endpoint.server;
  }

  get agentId(): string | undefined {
    return this.live?.agentId;
  }

  get url(): string | undefined {
    return this.live?.url;
  }

  /** Declares a tool. Argument and dependency types follow from `input` and `dependencies`. */
  tool<
    const I extends InputDeclaration | undefined = undefined,
    O extends z.ZodType | undefined = undefined,
    const D extends DependencyMap = Record<never, never>,
  >(def: ToolDefinition<I, O, D>): this {
    if (this.state !== "idle") throw new Error(`agent "${this.options.name}": declare tools before start()`);
    const problems: string[] = [];
    const tool = normalizeTool(def as never, problems);
    if (this.tools.some((t) => t.name === tool.name)) problems.push(`tool "${tool.name}" is declared twice`);
    this.problems.push(...problems);
    if (problems.length > 0) return this;
    this.tools.push(tool);
    this.endpoint.addTool(
      tool.name,
      { description: tool.description, input: tool.input, output: tool.output },
      (args, ctx) => this.runTool(tool, args, ctx),
    );
    return this;
  }

  /** Starts serving and joins the mesh. Idempotent: later calls return the same handle. */
  start(): Promise<AgentHandle> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<AgentHandle> {
    this.state = "starting";
    const { config, problems } = parseAgentConfig(this.options, this.options.env ?? process.env);
    problems.push(...this.problems);
    if (problems.length > 0) {
      this.state = "stopped";
      throw configError(this.options.name, problems);
    }
    const agentId = config.agentId ?? `${config.name}-${randomBytes(4).toString("hex")}`;
    const logger = pino({ level: config.logLevel, base: { agent_id: agentId } });
    const metrics = createMetrics(config.name);
    const dispatcher = createDispatcher();
    const outliers = createOutlierTracker({
      onEvent: (e) => logger.info(e, outlierMessage(e)),
      probe: (endpoint) => endpointAnswers(dispatcher, endpoint, 1000),
    });
    const wiring = new Wiring(this.tools, (slot) =>
      createProxy(slot, {
        dispatcher,
        selfId: () => agentId,
        callLocal: (name, args, ctx) => this.callLocal(name, args, ctx),
        defaultTimeoutMs: config.callTimeoutMs,
        propagateHeaders: config.propagateHeaders,
        record: metrics.recordDependency,
        outliers,
      }),
    );
    this.endpoint.propagate = config.propagateHeaders;
    await this.endpoint.connect();
    const http = createHttpServer(this.endpoint, {
      livez: () => ({ alive: true, agent: config.name, timestamp: rfc3339(Date.now()) }),
      ready: () => this.readiness(config),
      health: () => this.health(config),
      metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
      onMcpError: (err) => logger.error({ err }, "request failed"),
    });
    const port = await listen(http, config.bindHost, config.httpPort);
    const host = config.httpHost ?? (await detectHost(config.bindHost));
    const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const live: Live = {
      config,
      agentId,
      url,
      port,
      logger,
      metrics,
      dispatcher,
      wiring,
      http,
      heartbeat: undefined,
      watch: undefined,
      startedAt: Date.now(),
    };
    this.live = live;
    if (config.registryEnabled) this.joinMesh(live, host);
    metrics.setUp(true);
    this.state = "running";
    running.add(this);
    if (config.handleSignals) installSignalHandlers();
    logger.info(
      { url, tools: this.tools.map((t) => t.name), registry: config.registryEnabled ? config.registryUrl : "none" },
      "agent started",
    );
    return { agentId, url, port, stop: () => this.stop() };
  }

  private joinMesh(live: Live, host: string): void {
    const { config, agentId, logger, dispatcher, wiring } = live;
    const payload = registrationPayload(config, agentId, host, live.port, this.tools);
    // After an outage the registry may have come back empty: until its providers have had two
    // heartbeats to re-register, "unresolved" does not un-wire a working dependency.
    let graceUntil = 0;
    let graceTimer: NodeJS.Timeout | undefined;
    let latest: Parameters<Wiring["apply"]>[0];
    const apply = (resolved: Parameters<Wiring["apply"]>[0], source: string) => {
      latest = resolved;
      const keep = Date.now() < graceUntil;
      for (const change of wiring.apply(resolved, keep)) logger.info({ source }, `re-wired ${change}`);
    };
    const watch = config.watch
      ? new WatchStream({
          dispatcher,
          registryUrl: config.registryUrl,
          agentId,
          maxBackoffMs: config.heartbeatIntervalMs,
          logger,
          onResolution: (u) => apply(u.dependencies_resolved, "watch"),
          onGone: () => live.heartbeat?.postSoon(),
        })
      : undefined;
    const heartbeat = new HeartbeatLoop({
      dispatcher,
      registryUrl: config.registryUrl,
      agentId,
      intervalMs: config.heartbeatIntervalMs,
      logger,
      payload: () => payload,
      healthy: async () => (await this.health(config)).ok,
      onRegistered: (response, rejoined) => {
        if (rejoined) {
          const graceMs = 2 * config.heartbeatIntervalMs + 500;
          graceUntil = Date.now() + graceMs;
          clearTimeout(graceTimer);
          graceTimer = setTimeout(() => apply(latest, "rejoin-grace-over"), graceMs);
          graceTimer.unref();
        }
        apply(response.dependencies_resolved, "heartbeat");
        watch?.ensure();
      },
    });
    live.heartbeat = heartbeat;
    live.watch = watch;
    heartbeat.start();
  }

  /** Leaves the mesh (DELETE at the registry) and stops serving. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === "idle") {
      this.state = "stopped";
      return;
    }
    await this.starting?.catch(() => undefined);
    const live = this.live;
    if (!live || this.state === "stopping" || this.state === "stopped") return;
    this.state = "stopping";
    running.delete(this);
    live.metrics.setUp(false);
    live.watch?.stop();
    await live.heartbeat?.stop();
    if (live.heartbeat?.registered) {
      await deleteAgent(live.dispatcher, live.config.registryUrl, live.agentId).catch((err) =>
        live.logger.debug({ err: (err as Error).message }, "unregister failed"),
      );
    }
    await new Promise<void>((resolve) => {
      live.http.close(() => resolve());
      live.http.closeAllConnections();
    });
    await live.dispatcher.close().catch(() => undefined);
    this.state = "stopped";
    live.logger.info("agent stopped");
  }

  // ---- tool execution ------------------------------------------------------------------------

  private async runTool(tool: RuntimeTool, args: ToolArgs, ctx: ToolContext): Promise<CallToolResult> {
    const live = this.live;
    if (!live) throw new Error("agent is not running");
    const started = performance.now();
    try {
      if (tool.dependencies.length > 0 && !live.wiring.settled) await this.settle(live);
      const missing = live.wiring.missingRequired(tool.name);
      if (missing.length > 0) {
        live.metrics.recordTool(tool.name, "error", (performance.now() - started) / 1000);
        const list = missing.map((m) => `${m.key} (capability ${m.capability})`).join(", ");
        return {
          content: [
            { type: "text", text: `${ErrorCodes.DEPENDENCY_UNAVAILABLE}: required dependency unavailable: ${list}` },
          ],
          isError: true,
        };
      }
      const deps = live.wiring.inject(tool.name);
      const value = await callContext.run(ctx, () => tool.handler(args, deps, ctx));
      live.metrics.recordTool(tool.name, "ok", (performance.now() - started) / 1000);
      return toCallToolResult(value, tool.output !== undefined);
    } catch (err) {
      live.metrics.recordTool(tool.name, "error", (performance.now() - started) / 1000);
      throw err;
    }
  }

  /** At start-up, calls wait (up to the settle timeout) for the registry's first answer. */
  private settle(live: Live): Promise<void> {
    const left = live.startedAt + live.config.settleTimeoutMs - Date.now();
    if (left <= 0 || !live.config.registryEnabled) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, left);
      const off = live.wiring.onChange(done);
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Calls one of this agent's own tools in-process (same validation as over HTTP). */
  async callLocal(name: string, args: ToolArgs = {}, ctx?: ToolContext): Promise<unknown> {
    const response = await this.endpoint.callLocal(name, args, ctx ?? newContext(undefined, undefined, {}));
    return decodeResponse(response, `${name} (local)`);
  }

  private readiness(config: AgentConfig) {
    return readiness(this.state, config);
  }

  private health(config: AgentConfig) {
    return runHealthCheck(this.options.healthCheck, config.name);
  }

  // ---- testing -------------------------------------------------------------------------------

  /** Every dependency on `capabilityOrKey` uses `fake` instead of a provider (undefined restores). */
  fake(
    capabilityOrKey: string,
    fake: ((args: ToolArgs, toolName?: string) => unknown) | McpMeshTool | undefined,
  ): void {
    const wiring = this.requireLive().wiring;
    const tool = fake === undefined ? undefined : "callTool" in fake ? fake : fakeTool(capabilityOrKey, fake);
    if (wiring.setFake(capabilityOrKey, tool) === 0)
      throw new Error(`no dependency "${capabilityOrKey}" on agent "${this.options.name}"`);
  }

  /** Resolves once a dependency on `capabilityOrKey` is wired (optionally to `agentId`). */
  waitForDependency(
    capabilityOrKey: string,
    opts: { agentId?: string; timeoutMs?: number; unwired?: boolean } = {},
  ): Promise<void> {
    const wiring = this.requireLive().wiring;
    const ok = () => {
      const p = wiring.providersOf(capabilityOrKey);
      if (p === undefined) throw new Error(`no dependency "${capabilityOrKey}" on agent "${this.options.name}"`);
      if (opts.unwired) return p.length === 0;
      return p.length > 0 && (opts.agentId === undefined || p[0]?.agentId === opts.agentId);
    };
    if (ok()) return Promise.resolve();
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new Error(
            `dependency "${capabilityOrKey}" of "${this.options.name}" not ${opts.unwired ? "unwired" : "wired"} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      const off = wiring.onChange(() => {
        if (!ok()) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  /** Endpoints a dependency is wired to right now, best first. */
  providers(capabilityOrKey: string): string[] {
    return (this.requireLive().wiring.providersOf(capabilityOrKey) ?? []).map((p) => p.endpoint);
  }

  private requireLive(): Live {
    if (!this.live) throw new Error(`agent "${this.options.name}" is not started`);
    return this.live;
  }

  private autoStart(): void {
    if (this.state !== "idle") return;
    this.start().catch((err) => {
      console.error(`mcp-mesh: agent "${this.options.name}" failed to start: ${(err as Error).message}`);
      process.exitCode = 2;
    });
  }
}
