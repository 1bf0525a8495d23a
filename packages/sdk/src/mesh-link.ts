// The agent's link to the registry: the heartbeat loop, the watch stream, and applying what
// either brings to the wiring. Joining is one call; leaving stops both and unregisters.
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { AgentConfig } from "./config.js";
import { HeartbeatLoop } from "./heartbeat.js";
import { deleteAgent, registrationPayload } from "./registration.js";
import type { RuntimeTool } from "./tool.js";
import { WatchStream } from "./watch-stream.js";
import type { Wiring } from "./wiring.js";

export interface MeshLinkOptions {
  config: AgentConfig;
  agentId: string;
  /** "mcp_agent" (default), or "api" for a consumer-only web app. */
  agentType?: "mcp_agent" | "api";
  /** Announced host and bound port: what the registry hands to consumers. */
  host: string;
  port: number;
  tools: RuntimeTool[];
  logger: Logger;
  dispatcher: Dispatcher;
  wiring: Wiring;
  /** The user's health check: an unhealthy agent stops heartbeating (the reference behaviour). */
  healthy: () => Promise<boolean>;
  /** How many dependency slots one resolution re-wired (metrics). */
  onRewired?: (changes: number) => void;
}

export interface MeshLink {
  /** Stops heartbeat and watch, then unregisters (DELETE) when the registry knows the agent. */
  leave(): Promise<void>;
}

type Resolution = Parameters<Wiring["apply"]>[0];

export function joinMesh(opts: MeshLinkOptions): MeshLink {
  const { config, agentId, logger, dispatcher, wiring } = opts;
  const payload = registrationPayload(config, agentId, opts.host, opts.port, opts.tools, opts.agentType);
  // After an outage the registry may have come back empty: until its providers have had two
  // heartbeats to re-register, "unresolved" does not un-wire a working dependency.
  let graceUntil = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  let latest: Resolution;
  const apply = (resolved: Resolution, source: string) => {
    latest = resolved;
    const keep = Date.now() < graceUntil;
    const changes = wiring.apply(resolved, keep);
    for (const change of changes) logger.info({ source }, `re-wired ${change}`);
    opts.onRewired?.(changes.length);
  };
  let heartbeat: HeartbeatLoop | undefined;
  const watch = config.watch
    ? new WatchStream({
        dispatcher,
        registryUrl: config.registryUrl,
        agentId,
        maxBackoffMs: config.heartbeatIntervalMs,
        logger,
        onResolution: (u) => apply(u, "watch"),
        onGone: () => heartbeat?.postSoon(),
      })
    : undefined;
  heartbeat = new HeartbeatLoop({
    dispatcher,
    registryUrl: config.registryUrl,
    agentId,
    intervalMs: config.heartbeatIntervalMs,
    logger,
    payload: () => payload,
    healthy: opts.healthy,
    onRegistered: (response, rejoined) => {
      if (rejoined) {
        const graceMs = 2 * config.heartbeatIntervalMs + 500;
        graceUntil = Date.now() + graceMs;
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => apply(latest, "rejoin-grace-over"), graceMs);
        graceTimer.unref();
      }
      apply(response, "heartbeat");
      watch?.ensure();
    },
  });
  heartbeat.start();
  const loop = heartbeat;
  return {
    async leave() {
      clearTimeout(graceTimer);
      watch?.stop();
      await loop.stop();
      if (!loop.registered) return;
      await deleteAgent(dispatcher, config.registryUrl, agentId).catch((err) =>
        logger.debug({ err: (err as Error).message }, "unregister failed"),
      );
    },
  };
}
