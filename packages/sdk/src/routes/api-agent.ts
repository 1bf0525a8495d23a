// A web app in the mesh: a consumer-only agent (the reference's `agent_type: "api"`). It serves
// no MCP endpoint and opens no port: the app's own HTTP server stays the user's. Each route that
// declares dependencies registers as one "tool" with an empty capability (as the reference's
// FastAPI integration does), so the registry resolves its dependencies and pushes changes to it
// like to any agent; the same wiring slots and proxies as tools' dependencies.
import { randomBytes } from "node:crypto";
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { createCallWiring } from "../call-wiring.js";
import { type AgentConfig, configError, parseAgentConfig } from "../config.js";
import { detectHost } from "../host.js";
import { createLogger, safeUrl } from "../log.js";
import { joinMesh, type MeshLink } from "../mesh-link.js";
import { installSignalHandlers, running } from "../signals.js";
import { clientTls, loadTls, type TlsMaterial } from "../tls.js";
import { normalizeTool, type RuntimeTool } from "../tool.js";
import type { AgentOptions, DependencyMap, InjectedDependencies, McpMeshTool } from "../types.js";
import type { Wiring } from "../wiring.js";

/** What a web app says about itself: the agent options that make sense without tools. */
export type ApiOptions = Pick<
  AgentOptions,
  | "name"
  | "version"
  | "description"
  | "namespace"
  | "registryUrl"
  | "standalone"
  | "heartbeatInterval"
  | "autoRun"
  | "watch"
  | "settleTimeout"
  | "handleSignals"
  | "logLevel"
  | "env"
  | "httpHost"
> & {
  /** The port the app's own server listens on, shown by `meshctl list` (env MCP_MESH_HTTP_PORT, else PORT). */
  httpPort?: number;
};

/** One route's dependencies, as declared. */
export interface RouteSlots<D extends DependencyMap> {
  readonly id: string;
  readonly api: MeshApi;
  /** The route's dependencies for one request (see MeshApi.ready). */
  deps(): Promise<InjectedDependencies<D>>;
}

interface Live {
  config: AgentConfig;
  agentId: string;
  logger: Logger;
  dispatcher: Dispatcher;
  wiring: Wiring;
  link: MeshLink | undefined;
  startedAt: number;
}

export class MeshApi {
  private readonly routes: RuntimeTool[] = [];
  private readonly problems: string[] = [];
  private starting: Promise<void> | undefined;
  private live: Live | undefined;
  private stopped = false;

  constructor(readonly options: ApiOptions) {
    const autoRunEnv = (options.env ?? process.env).MCP_MESH_AUTO_RUN?.trim().toLowerCase();
    const autoRun = autoRunEnv ? !["0", "false", "no", "off"].includes(autoRunEnv) : options.autoRun !== false;
    // Joins once the module declaring the routes has loaded, like an agent.
    if (autoRun)
      setTimeout(() => {
        if (this.starting || this.stopped) return;
        this.start().catch((err) => {
          console.error(`mcp-mesh: web app "${options.name}" failed to join the mesh: ${(err as Error).message}`);
          process.exitCode = 2;
        });
      }, 0);
  }

  get agentId(): string | undefined {
    return this.live?.agentId;
  }

  /** The app's pino logger while joined (the adapters log handler bugs to it). */
  get logger(): Logger | undefined {
    return this.live?.logger;
  }

  /** MCP_MESH_PROPAGATE_HEADERS as parsed at start: the incoming headers routes forward. */
  get propagateHeaders(): string[] {
    return this.live?.config.propagateHeaders ?? [];
  }

  /** Declares one route's dependencies; call before the app joins the mesh (module load). */
  declare<const D extends DependencyMap>(deps: D, name?: string): RouteSlots<D> {
    if (this.starting)
      throw new MeshError(
        ErrorCodes.AGENT_STATE,
        `web app "${this.options.name}": declare routes with mesh dependencies before it joins the mesh (at module load)`,
      );
    const id = name ?? `route_${this.routes.length + 1}`;
    const problems: string[] = [];
    // The tool's name rules are checked on a stand-in: a route may be named as the reference
    // names them, `METHOD:/path`.
    const tool = normalizeTool({ name: "route", dependencies: deps, handler: () => undefined } as never, problems);
    if (!ROUTE_NAME.test(id))
      problems.push(`name must be 1-200 letters, digits or _ . : / { } * - (got ${JSON.stringify(id)})`);
    if (this.routes.some((r) => r.name === id)) problems.push(`is declared twice`);
    this.problems.push(...problems.map((p) => `route "${id}": ${p.replace(/^tool "route": /, "")}`));
    // Routes consume capabilities; they provide none (the reference registers "").
    this.routes.push({ ...tool, name: id, capability: "" });
    return { id, api: this, deps: () => this.ready(id) as Promise<InjectedDependencies<D>> };
  }

  /** Joins the mesh (registers as an API agent). Idempotent. */
  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const env = this.options.env ?? process.env;
    const { config, problems } = parseAgentConfig(this.options, env);
    problems.push(...this.problems);
    if (problems.length > 0) throw configError(this.options.name, problems);
    const agentId = config.agentId ?? `${config.name}-${randomBytes(4).toString("hex")}`;
    const logger = createLogger(config.logLevel, { agent_id: agentId });
    // The web app serves no MCP, but calls the registry and providers: over TLS, as agents do.
    let tls: TlsMaterial;
    try {
      tls = loadTls(config.tls);
    } catch (e) {
      throw configError(this.options.name, [(e as Error).message]);
    }
    const noTools = () => Promise.reject(new MeshError(ErrorCodes.AGENT_STATE, "a web app has no tools"));
    const { dispatcher, wiring } = createCallWiring({
      tools: this.routes,
      agentId,
      config,
      logger,
      tls: clientTls(tls),
      callLocal: noTools,
      streamLocal: noTools,
    });
    const port = config.httpPort || Number(env.PORT) || 0;
    const host = config.httpHost ?? (await detectHost(config.bindHost));
    const link = config.registryEnabled
      ? joinMesh({
          config,
          agentId,
          agentType: "api",
          host,
          port,
          tools: this.routes,
          logger,
          dispatcher,
          wiring,
          healthy: async () => true,
        })
      : undefined;
    this.live = { config, agentId, logger, dispatcher, wiring, link, startedAt: Date.now() };
    running.add(this);
    if (config.handleSignals) installSignalHandlers();
    logger.info(
      { routes: this.routes.length, registry: config.registryUrls.map(safeUrl).join(",") },
      "web app joined the mesh",
    );
  }

  /** Leaves the mesh (DELETE at the registry). Idempotent. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    running.delete(this);
    await live.link?.leave();
    await live.dispatcher.close().catch(() => undefined);
    live.logger.info("web app left the mesh");
  }

  /**
   * The route's dependencies for one request: joins the mesh on first use, waits (up to the
   * settle timeout) for the registry's first answer, and refuses when a required one is missing.
   */
  async ready(id: string): Promise<Record<string, McpMeshTool | null>> {
    await this.start();
    const live = this.live;
    if (!live) throw new MeshError(ErrorCodes.AGENT_STATE, `web app "${this.options.name}" has left the mesh`);
    if (!live.wiring.settled && live.config.registryEnabled) await settle(live);
    const missing = live.wiring.missingRequired(id);
    if (missing.length > 0)
      throw new MeshError(
        ErrorCodes.DEPENDENCY_UNAVAILABLE,
        `required dependency unavailable: ${missing.map((m) => `${m.key} (capability ${m.capability})`).join(", ")}`,
        { capabilities: missing.map((m) => m.capability) },
      );
    return live.wiring.inject(id);
  }

  /** Endpoints a route dependency on `capabilityOrKey` is wired to right now, best first. */
  providers(capabilityOrKey: string): string[] {
    return (this.live?.wiring.providersOf(capabilityOrKey) ?? []).map((p) => p.endpoint);
  }
}

function settle(live: Live): Promise<void> {
  const left = live.startedAt + live.config.settleTimeoutMs - Date.now();
  if (left <= 0) return Promise.resolve();
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

const ROUTE_NAME = /^[A-Za-z0-9_.:/{}*-]{1,200}$/;

let defaultApi: MeshApi | undefined;

/**
 * The process's web app when routes name no `api`: named by MCP_MESH_AGENT_NAME (else "web-api"),
 * everything else from the environment, joining the mesh once the module has loaded.
 */
export function meshApi(options?: ApiOptions): MeshApi {
  if (options) return new MeshApi(options);
  defaultApi ??= new MeshApi({ name: "web-api" });
  return defaultApi;
}
