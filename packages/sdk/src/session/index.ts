// The agent's session router, built on first use from REDIS_URL and MCP_MESH_SESSION_TTL: an
// agent that never makes a session call opens no Redis connection and loads no Redis client.
import type { Logger } from "pino";
import { createRedisStore } from "./redis-store.js";
import { createSessionRouter, type SessionObserver, type SessionRouter } from "./router.js";
import { createMemoryStore } from "./store.js";

export type { SessionObserver, SessionRoute, SessionRouter } from "./router.js";

/** Python's default and bounds (seconds), so mixed meshes expire sessions alike. */
const TTL_DEFAULT = 3600;
const TTL_MAX = 86_400;

export function sessionTtlSeconds(raw: string | undefined): number {
  const n = raw === undefined || raw.trim() === "" ? TTL_DEFAULT : Number(raw);
  if (!Number.isFinite(n)) return TTL_DEFAULT;
  return Math.min(TTL_MAX, Math.max(1, Math.floor(n)));
}

export function lazySessionRouter(
  env: Record<string, string | undefined>,
  namespace: string,
  logger: Logger,
  observer?: SessionObserver,
): { get(): SessionRouter; close(): Promise<void>; backend(): "redis" | "memory" | undefined } {
  let router: SessionRouter | undefined;
  return {
    get() {
      if (router) return router;
      const url = env.REDIS_URL?.trim();
      if (!url)
        logger.info(
          "sessions: REDIS_URL is not set, session assignments kept in this process's memory (not shared with other consumer replicas)",
        );
      const raw = env.MCP_MESH_SESSION_TTL;
      const ttlSeconds = sessionTtlSeconds(raw);
      if (raw !== undefined && raw.trim() !== "" && String(ttlSeconds) !== raw.trim())
        logger.warn(
          { MCP_MESH_SESSION_TTL: raw, ttlSeconds },
          `sessions: MCP_MESH_SESSION_TTL must be whole seconds from 1 to ${TTL_MAX}; using ${ttlSeconds}`,
        );
      router = createSessionRouter({
        store: url ? createRedisStore(url, logger) : createMemoryStore(),
        namespace,
        ttlSeconds,
        logger,
        ...(observer && { observer }),
      });
      return router;
    },
    close: async () => router?.close(),
    /** Undefined until the first session call made the router. */
    backend: () => router?.backend(),
  };
}
