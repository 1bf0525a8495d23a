// The registry `meshctl start` runs in its own process when none answers at the registry URL:
// @mcp-mesh/registry on a SQLite file, listening where the URL says, logging through meshctl.
import pino from "pino";
import { ErrorCodes, MeshError } from "./errors.js";
import { type LogLine, parseLogLine } from "./log-lines.js";
import { isLocalUrl } from "./registry-url.js";

export interface EmbeddedRegistry {
  url: string;
  close(): Promise<void>;
}

export async function startEmbeddedRegistry(opts: {
  url: string;
  dbPath: string;
  logLevel: string;
  /** Registry settings (DEFAULT_TIMEOUT_THRESHOLD, ...) apply as to the registry binary. */
  env: NodeJS.ProcessEnv;
  onLog(line: LogLine): void;
}): Promise<EmbeddedRegistry> {
  const { hostname, port } = new URL(opts.url);
  if (!isLocalUrl(opts.url)) {
    throw new MeshError(
      ErrorCodes.UNREACHABLE,
      `no registry answers at ${opts.url}, and meshctl can only start one on this machine: start it there, or use --registry-url http://localhost:<port>`,
    );
  }
  // Loaded here, not at the top: only a start that embeds a registry pays for Fastify and libsql.
  const { createRegistry, loadConfig, openStore, startupCleanup } = await import("@mcp-mesh/registry");
  const settings = loadConfig([], opts.env);
  if ("help" in settings || !settings.ok) {
    const problems = "problems" in settings ? settings.problems.join("; ") : "";
    throw new MeshError(ErrorCodes.CONFIG_INVALID, `invalid registry settings in the environment: ${problems}`);
  }
  // The URL is what agents and meshctl dial: it must say what the registry will serve.
  const https = new URL(opts.url).protocol === "https:";
  if (https !== (settings.config.tlsMode !== "off"))
    throw new MeshError(
      ErrorCodes.CONFIG_INVALID,
      https
        ? `the registry URL ${opts.url} is https:// but no certificate is set: set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY ('meshctl certs' makes a dev set)`
        : `MCP_MESH_TLS_CERT/KEY are set, so the registry serves HTTPS: use an https:// registry URL (--registry-url https://${new URL(opts.url).host})`,
    );
  const logger = pino(
    { level: opts.logLevel, base: { service: "mcp-mesh-registry" } },
    {
      write: (chunk: string) => {
        for (const l of chunk.split("\n")) if (l) opts.onLog(parseLogLine(l));
      },
    },
  );
  const store = await openStore(opts.dbPath);
  const registry = await createRegistry({
    store,
    logger,
    config: {
      ...settings.config,
      logLevel: opts.logLevel,
      host: hostname.replace(/^\[|\]$/g, ""),
      port: Number(port || (https ? 443 : 80)),
      databaseUrl: opts.dbPath,
    },
  });
  // The database remembers the agents of earlier runs, and a run stopped abruptly (kill -9, a
  // lost unregister) leaves them healthy for the registry's startup grace (30 s): a new
  // `meshctl start` would route to them. A registry meshctl has just started vouches for no
  // agent it has not heard from: every remembered agent starts unhealthy (event "unhealthy",
  // reason stale_on_startup), and one that is in fact alive is healthy again at its next
  // heartbeat (the registry answers 410, the agent registers again).
  await startupCleanup(registry.core, Number.MAX_SAFE_INTEGER);
  try {
    await registry.listen();
  } catch (e) {
    await registry.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new MeshError(
      ErrorCodes.START_FAILED,
      code === "EADDRINUSE"
        ? `port ${port} is in use by something that is not a registry: free it or pick another with --registry-port`
        : `cannot start the registry on ${opts.url}: ${(e as Error).message}`,
    );
  }
  return { url: opts.url, close: () => registry.close() };
}
