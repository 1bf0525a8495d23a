// A mesh agent's lifecycle: tools declared, then `start()` (one async function whose locals show
// the data flow: config → server → listener → mesh link), then `stop()`. What a call runs is in
// tool-runner.ts, the registry link in mesh-link.ts, test hooks in testing/hooks.ts.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { ErrorCodes, MeshError, rfc3339 } from "@mcp-mesh/protocol";
import type { McpServer } from "@modelcontextprotocol/server";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { z } from "zod";
import { exposeInternals } from "./agent-internals.js";
import { authFromEnv, createAuthenticator } from "./auth/inbound.js";
import { createCallWiring } from "./call-wiring.js";
import type { JsonRpcResponse } from "./client/tools-call.js";
import { configError, parseAgentConfig } from "./config.js";
import { decodeResponse } from "./decode-result.js";
import { detectHost } from "./host.js";
import { createHttpServer } from "./http-server.js";
import { listen, localRegistryPort, warnFallback } from "./listen.js";
import type { LlmDeclaration } from "./llm/consumer/types.js";
import type { LlmProviderOptions } from "./llm/provider/options.js";
import { llmProviderTools } from "./llm/provider/register.js";
import { type EndpointCheck, registeredEndpoints } from "./llm/provider/registered.js";
import { localStream } from "./local-stream.js";
import { createLogger, safeUrl } from "./log.js";
import { McpEndpoint, newContext } from "./mcp-endpoint.js";
import { joinMesh, type MeshLink } from "./mesh-link.js";
import { type AgentMetrics, createMetrics } from "./metrics.js";
import { readiness, runHealthCheck } from "./probes.js";
import { lazySessionRouter } from "./session/index.js";
import { installSignalHandlers, running } from "./signals.js";
import { clientCertificatePolicy, clientTls, loadTls, serverTls, servesHttps } from "./tls.js";
import { normalizeTool, type RuntimeTool } from "./tool.js";
import { runTool, type ToolRuntime } from "./tool-runner.js";
import { setupTracing } from "./tracing/setup.js";
import type { AgentIdentity } from "./tracing/span-record.js";
import type {
  AgentHandle,
  AgentOptions,
  DependencyMap,
  InputDeclaration,
  StreamingToolDefinition,
  ToolArgs,
  ToolContext,
  ToolDefinition,
} from "./types.js";

type State = "idle" | "starting" | "running" | "stopping" | "stopped";

interface Live extends ToolRuntime {
  agentId: string;
  url: string;
  logger: Logger;
  metrics: AgentMetrics;
  dispatcher: Dispatcher;
  http: Server;
  link: MeshLink | undefined;
}

export class MeshAgent {
  private readonly endpoint: McpEndpoint;
  private readonly tools: RuntimeTool[] = [];
  private readonly problems: string[] = [];
  private state: State = "idle";
  private starting: Promise<AgentHandle> | undefined;
  private live: Live | undefined;
  /** Closes the session store (a Redis connection, once a session call opened one). */
  private closeSessions: (() => Promise<void>) | undefined;
  private endpointCheck: EndpointCheck | undefined;
  private closeTracing: (() => Promise<void>) | undefined;

  constructor(readonly options: AgentOptions) {
    this.endpoint = new McpEndpoint({ name: options.name, version: options.version ?? "1.0.0" });
    exposeInternals(this, { endpoint: this.endpoint, wiring: () => this.live?.wiring });
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
    const L extends LlmDeclaration | undefined = undefined,
  >(def: ToolDefinition<I, O, D, L>): this;
  /** Declares a streaming tool: its handler returns an async iterable of strings (docs/sdk.md, "Streaming"). */
  tool<const I extends InputDeclaration | undefined = undefined, const D extends DependencyMap = Record<never, never>>(
    def: StreamingToolDefinition<I, D>,
  ): this;
  tool(def: ToolDefinition<never, never, never, never> | StreamingToolDefinition<never, never>): this {
    if (this.state !== "idle")
      throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${this.options.name}": declare tools before start()`);
    const problems: string[] = [];
    const tool = normalizeTool(def as never, problems);
    if (this.tools.some((t) => t.name === tool.name)) problems.push(`tool "${tool.name}" is declared twice`);
    this.problems.push(...problems);
    if (problems.length > 0) return this;
    this.tools.push(tool);
    this.endpoint.addTool(
      tool.name,
      { description: tool.description, input: tool.input, output: tool.output },
      (args, ctx) => {
        if (!this.live) throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${this.options.name}" is not running`);
        return runTool(this.live, tool, args, ctx);
      },
    );
    return this;
  }

  /**
   * Turns a vendor model into a mesh LLM provider: the tool `name` (default "process_chat") on
   * `capability` (default "llm") and its streaming twin `<name>_stream` (docs/llm.md, Providers).
   */
  llmProvider(opts: LlmProviderOptions): this {
    const { tools, problems } = llmProviderTools(opts, {
      dispatcher: () => this.live?.dispatcher,
      logger: () => this.live?.logger,
      recordLlm: (provider, model, input, output) =>
        this.live?.metrics.recordLlm("provider", provider, model, input, output),
      registered: (endpoint) => this.registered(endpoint),
    });
    this.problems.push(...problems);
    for (const def of tools) this.tool(def);
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
    let tls: ReturnType<typeof loadTls>;
    try {
      tls = loadTls(config.tls);
    } catch (e) {
      this.state = "stopped";
      throw configError(this.options.name, [(e as Error).message]);
    }
    const logger = createLogger(config.logLevel, { agent_id: agentId });
    const metrics = createMetrics(config.name);
    const sessions = lazySessionRouter(this.options.env ?? process.env, config.namespace, logger, metrics.sessions);
    this.closeSessions = sessions.close;
    metrics.watchSessionBackend(sessions.backend);
    let identity: AgentIdentity | undefined;
    const tracing = await setupTracing(this.options.env ?? process.env, config.name, () => identity, logger);
    this.closeTracing = tracing.close;
    // One dispatcher for the registry and the providers alike: both are verified against the CA
    // and both see this agent's certificate.
    const { dispatcher, wiring } = createCallWiring({
      tools: this.tools,
      tls: clientTls(tls),
      agentId,
      config,
      logger,
      metrics,
      callLocal: (name, args, ctx) => this.callLocal(name, args, ctx),
      streamLocal: (name, args, ctx, progressToken, onNotification, signal) =>
        this.endpoint.callLocal(name, args, ctx ?? newContext(undefined, undefined, {}), {
          progressToken,
          signal,
          stream: localStream(onNotification),
        }) as Promise<unknown> as Promise<JsonRpcResponse>,
      sessions: sessions.get,
    });
    this.endpoint.propagate = config.propagateHeaders;
    await this.endpoint.connect();
    const health = () => runHealthCheck(this.options.healthCheck, config.name);
    const http = createHttpServer(
      this.endpoint,
      {
        livez: () => ({ alive: true, agent: config.name, timestamp: rfc3339(Date.now()) }),
        ready: () => readiness(this.state, config),
        health,
        metrics: async () => ({ contentType: metrics.registry.contentType, text: await metrics.registry.metrics() }),
        onMcpError: (err) => logger.error({ err }, "request failed"),
      },
      {
        agent: createAuthenticator(authFromEnv(this.options.env ?? process.env, this.options.auth)),
        tools: new Map(
          this.tools.flatMap((t) => {
            const a = createAuthenticator(t.auth);
            return a ? [[t.name, a] as const] : [];
          }),
        ),
      },
      undefined,
      servesHttps(tls) ? { options: serverTls(tls), clientCertificates: clientCertificatePolicy(tls) } : undefined,
    );
    const registryPort = config.registryEnabled
      ? localRegistryPort(config.registryUrl, [config.bindHost, config.httpHost])
      : undefined;
    const bound = await listen(http, config.bindHost, config.httpPort, registryPort);
    warnFallback(logger, config.httpPort, bound);
    const port = bound.port;
    const host = config.httpHost ?? (await detectHost(config.bindHost));
    const url = `${servesHttps(tls) ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
    if (servesHttps(tls) && config.registryEnabled && config.registryUrl.startsWith("http:"))
      // The registry learns "https" from the client certificate of the registration, as the
      // reference's does; over plain HTTP it cannot, and lists this agent as http://.
      logger.warn(
        { registry: safeUrl(config.registryUrl) },
        "this agent serves HTTPS but the registry URL is http://: the registry will list it as http:// and callers will fail; use the registry's https:// URL",
      );
    const startedAt = Date.now();
    identity = { agentId, name: config.name, namespace: config.namespace, host, port, endpoint: url };
    const link = config.registryEnabled
      ? joinMesh({
          config,
          agentId,
          host,
          port,
          tools: this.tools,
          logger,
          dispatcher,
          wiring,
          onRewired: metrics.countRewirings,
          onRegistrySwitch: metrics.countRegistrySwitch,
          healthy: async () => (await health()).ok,
        })
      : undefined;
    this.live = {
      config,
      agentId,
      url,
      logger,
      metrics,
      dispatcher,
      wiring,
      http,
      link,
      startedAt,
      observer: tracing.observer,
    };
    metrics.setUp(true);
    this.state = "running";
    running.add(this);
    if (config.handleSignals) installSignalHandlers();
    logger.info(
      {
        url,
        tools: this.tools.map((t) => t.name),
        registry: config.registryEnabled ? config.registryUrls.map(safeUrl).join(",") : "none",
      },
      "agent started",
    );
    return { agentId, url, port, stop: () => this.stop() };
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
    await live.link?.leave();
    await new Promise<void>((resolve) => {
      live.http.close(() => resolve());
      live.http.closeAllConnections();
    });
    await live.dispatcher.close().catch(() => undefined);
    await this.closeSessions?.().catch(() => undefined);
    await this.closeTracing?.().catch(() => undefined);
    this.state = "stopped";
    live.logger.info("agent stopped");
  }

  /** Calls one of this agent's own tools in-process (same validation as over HTTP). */
  async callLocal(name: string, args: ToolArgs = {}, ctx?: ToolContext): Promise<unknown> {
    const response = await this.endpoint.callLocal(name, args, ctx ?? newContext(undefined, undefined, {}));
    return decodeResponse(response, `${name} (local)`);
  }

  /** Whether the registry lists `endpoint` as a healthy agent's; never, without a registry. */
  private registered(endpoint: string): Promise<boolean> {
    const live = this.live;
    if (!live?.config.registryEnabled) return Promise.resolve(false);
    this.endpointCheck ??= registeredEndpoints(
      () => this.live?.dispatcher,
      () => this.live?.link?.registry() ?? live.config.registryUrl,
    );
    return this.endpointCheck(endpoint);
  }

  private autoStart(): void {
    if (this.state !== "idle") return;
    this.start().catch((err) => {
      console.error(`mcp-mesh: agent "${this.options.name}" failed to start: ${(err as Error).message}`);
      process.exitCode = 2;
    });
  }
}
