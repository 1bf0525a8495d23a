// The agent's link to the registry: the heartbeat loop, the watch stream, and applying what
// either brings to the wiring. Joining is one call; leaving stops both and unregisters.
// Given several registries, both follow one (registry-ring.ts); a move re-registers and
// re-opens the watch there, and the wiring stays as it was meanwhile.
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import type { AgentConfig } from "./config.js";
import { HeartbeatLoop } from "./heartbeat.js";
import { safeUrl } from "./log.js";
import { deleteAgent, registrationPayload } from "./registration.js";
import { createRegistryRing } from "./registry-ring.js";
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
  /** The agent moved to another registry (metrics). */
  onRegistrySwitch?: (to: string) => void;
}

export interface MeshLink {
  /** Stops heartbeat and watch, then unregisters (DELETE) when the registry knows the agent. */
  leave(): Promise<void>;
  /** The registry the agent uses now. */
  registry(): string;
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
  const registries = createRegistryRing(config.registryUrls, (from, to, why) => {
    logger.info({ from: safeUrl(from), registry: safeUrl(to), reason: why }, `moved to registry ${safeUrl(to)}`);
    opts.onRegistrySwitch?.(safeUrl(to));
  });
  let heartbeat: HeartbeatLoop | undefined;
  /** The registry the watch stream was last opened on (after a registration there). */
  let watched: string | undefined;
  const watch = config.watch
    ? new WatchStream({
        dispatcher,
        registryUrl: () => registries.current(),
        agentId,
        maxBackoffMs: config.heartbeatIntervalMs,
        logger,
        onResolution: (u) => apply(u, "watch"),
        onGone: () => heartbeat?.postSoon(),
        // A broken stream is the quickest sign a registry died: check it now, not at the next
        // heartbeat, when there is another registry to move to.
        ...(registries.size > 1 && { onBroken: () => heartbeat?.checkSoon() }),
      })
    : undefined;
  heartbeat = new HeartbeatLoop({
    dispatcher,
    registries,
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
      const now = registries.current();
      if (watched !== undefined && watched !== now) watch?.reopen();
      else watch?.ensure();
      watched = now;
    },
  });
  heartbeat.start();
  const loop = heartbeat;
  return {
    registry: () => registries.current(),
    async leave() {
      clearTimeout(graceTimer);
      watch?.stop();
      await loop.stop();
      if (!loop.registered) return;
      await deleteAgent(dispatcher, registries.current(), agentId).catch((err) =>
        logger.debug({ err: (err as Error).message }, "unregister failed"),
      );
    },
  };
}
