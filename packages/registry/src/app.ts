// The registry as an HTTP app, built by a factory apart from `listen` so tests drive it with
// `app.inject()` and no port.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import pino, { type Logger } from "pino";
import { createCredentialSource } from "./auth/credentials.js";
import { installGuard } from "./auth/guard.js";
import { createJwtVerifier } from "./auth/jwt.js";
import { createOwnership } from "./auth/ownership.js";
import { createRateLimiter } from "./auth/rate-limit.js";
import { clientErrorHandler } from "./client-errors.js";
import { loadConfig, type RegistryConfig, SETTINGS } from "./config.js";
import { RegistryCore } from "./core.js";
import { type MonitorOptions, startMonitor, startupCleanup } from "./health-monitor.js";
import { createMetrics } from "./metrics.js";
import { agentRoutes } from "./routes/agents.js";
import { errorHandler } from "./routes/errors.js";
import { eventRoutes } from "./routes/events.js";
import { extraRoutes } from "./routes/extras.js";
import { healthRoutes } from "./routes/health.js";
import { heartbeatRoutes } from "./routes/heartbeat.js";
import { proxyRoutes } from "./routes/proxy.js";
import { traceRoutes } from "./routes/traces.js";
import { trafficRoutes } from "./routes/traffic.js";
import { uiRoutes } from "./routes/ui.js";
import { watchRoutes } from "./routes/watch.js";
import type { RegistryStore } from "./store/store.js";
import { registryTls } from "./tls-server.js";
import { startTracing } from "./tracing/start.js";

export interface CreateRegistryOptions {
  store: RegistryStore;
  config?: Partial<RegistryConfig>;
  clock?: () => number;
  logger?: Logger;
  /** Run the health scan, sweep and flush timers (default true; tests call the ticks directly). */
  timers?: boolean;
}

export interface Registry {
  app: FastifyInstance;
  core: RegistryCore;
  config: RegistryConfig;
  /** Listens on config.host:config.port; resolves to the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function defaultConfig(): RegistryConfig {
  const r = loadConfig([], {});
  if (!("ok" in r) || !r.ok) throw new Error("built-in defaults are invalid");
  return r.config;
}

export async function createRegistry(opts: CreateRegistryOptions): Promise<Registry> {
  const config: RegistryConfig = { ...defaultConfig(), ...opts.config };
  const clock = opts.clock ?? Date.now;
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { service: "mcp-mesh-registry" } });
  // Read before anything is opened: an unreadable certificate is a configuration error.
  const tls = registryTls(config);
  const metrics = createMetrics();
  const core = new RegistryCore({ store: opts.store, clock, logger, metrics, maxAlternatives: config.maxAlternatives });
  await opts.store.migrate();
  await core.load();
  // With replicas, the leader alone marks agents that went silent while the registry was down.
  core.replicas.leader = await core.replicas.leads();
  if (core.replicas.leader) await startupCleanup(core, clock());
  const stopFollowing = await core.replicas.follow();

  const serverOptions = {
    headersTimeout: config.requestTimeoutMs,
    // Node checks the request timeout on this interval; the default (30 s) would add up to 30 s.
    connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(config.requestTimeoutMs / 4))),
  };
  const app = Fastify({
    ...(tls ? { https: { ...tls.server, ...serverOptions } } : { http: serverOptions }),
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request logs would cost more than a fast heartbeat itself; /metrics has the numbers.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 1024 },
    forceCloseConnections: true,
    // A request (headers and body) must arrive within this time: a client that trickles or
    // never finishes its body would otherwise hold its socket for ever.
    requestTimeout: config.requestTimeoutMs,
    clientErrorHandler: clientErrorHandler(logger),
  });
  // Connections beyond the cap are closed at once, so held sockets cannot exhaust descriptors.
  app.server.maxConnections = config.maxConnections;
  let closing = false;

  // Go's decoder reads any body as JSON whatever its content type; so do we (outside /proxy).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => {
    const text = String(body);
    if (!text.trim()) return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new MeshError(ErrorCodes.INVALID_JSON, `Invalid JSON payload: ${(e as Error).message}`), undefined);
    }
  });
  app.setErrorHandler(errorHandler(config.bodyLimitBytes));
  app.setNotFoundHandler((_req, reply) => reply.code(404).type("text/plain; charset=utf-8").send("404 page not found"));
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    metrics.httpSeconds.observe({ method: req.method, route, code: reply.statusCode }, reply.elapsedTime / 1000);
  });

  const credentials = createCredentialSource(config.registryTokens, config.tokensFile, (m) => logger.error(m));
  const onHup = () => credentials.reload();
  if (config.tokensFile) process.on("SIGHUP", onHup);
  const clientCertificates = tls?.server.requestCert
    ? config.tlsMode === "strict"
      ? ("required" as const)
      : ("optional" as const)
    : undefined;
  installGuard(app, {
    credentials,
    ...(clientCertificates && { clientCertificates }),
    publicRead: config.publicRead,
    protectMetrics: config.protectMetrics,
    limiter: createRateLimiter(config.writeRate, config.writeBurst),
    ...(config.jwksUrl
      ? {
          jwt: createJwtVerifier({ jwksUrl: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
        }
      : {}),
  });
  const ownership = await createOwnership(opts.store, core, clientCertificates !== undefined);
  core.replicas.onRemoteChange((change) => ownership.learn(change.owners));

  healthRoutes(app, core, Date.now());
  heartbeatRoutes(app, core, ownership);
  agentRoutes(app, core);
  eventRoutes(app, core);
  const tracing = config.distributedTracing === "true" ? startTracing(config.redisUrl, logger, core) : undefined;
  extraRoutes(app, core, tracing !== undefined);
  if (tracing) traceRoutes(app, tracing);
  trafficRoutes(app, tracing?.traffic);
  watchRoutes(app, core, ownership, {
    keepaliveMs: config.watchKeepaliveMs,
    graceMs: config.watchGraceMs,
    isClosing: () => closing,
  });
  uiRoutes(app, core, { keepaliveMs: config.watchKeepaliveMs });
  await app.register(async (scope) =>
    proxyRoutes(scope, core, {
      defaultTimeoutMs: config.proxyTimeoutMs,
      propagateHeaders: config.propagateHeaders,
      ...(tls && { tls: tls.client }),
    }),
  );

  const monitor: MonitorOptions = config;
  const stopTimers = opts.timers === false ? async () => core.flushTouches() : startMonitor(core, monitor);

  return {
    app,
    core,
    config,
    async listen() {
      const address = await app.listen({ host: config.host, port: config.port });
      return address;
    },
    async close() {
      closing = true;
      process.off("SIGHUP", onHup);
      await stopTimers();
      await stopFollowing();
      await tracing?.close();
      await app.close();
      await opts.store.close();
    },
  };
}

export { SETTINGS };
