// Timers of the registry: the health scan (silent agents → unhealthy), the retention sweep
// (purge long-unhealthy agents, cap events), and the heartbeat-time flush. Each tick is a
// function of `now`, so tests call them directly.
import { rfc3339 } from "@mcp-mesh/protocol";
import type { RegistryCore } from "./core.js";
import type { AgentRecord } from "./model.js";

export interface MonitorOptions {
  healthCheckIntervalMs: number;
  timeoutThresholdMs: number;
  retentionMs: number;
  sweepIntervalMs: number;
  eventMaxRows: number;
}

/** Not configurable in the reference either: agents silent this long at start are stale. */
export const STARTUP_STALE_MS = 30_000;

export async function healthScan(core: RegistryCore, now: number, thresholdMs: number): Promise<number> {
  const isStale = (a: AgentRecord) => a.status === "healthy" && a.updated_at < now - thresholdMs;
  const stale = core.agents().filter(isStale);
  if (!stale.length) return 0;
  const marked = await core.markUnhealthy(
    stale.map((a) => a.agent_id),
    {
      type: "unhealthy",
      data: {
        reason: "health_degradation",
        old_status: "healthy",
        new_status: "unhealthy",
        detected_at: rfc3339(now),
        source: "status_change_hook",
        transition_type: "healthy_to_unhealthy",
        description: "Agent became unhealthy",
      },
    },
    isStale,
  );
  if (marked.length) core.logger.info({ agents: marked }, "agents missed their heartbeats: marked unhealthy");
  return marked.length;
}

export async function startupCleanup(core: RegistryCore, now: number): Promise<number> {
  const isStale = (a: AgentRecord) => a.status === "healthy" && a.updated_at < now - STARTUP_STALE_MS;
  let marked = 0;
  for (const a of core.agents().filter(isStale)) {
    const ids = await core.markUnhealthy(
      [a.agent_id],
      (s) => ({
        type: "unhealthy",
        data: {
          agent_type: s.agent_type,
          name: s.name,
          previous_status: s.status,
          reason: "stale_on_startup",
          last_heartbeat: rfc3339(s.updated_at),
          threshold_seconds: STARTUP_STALE_MS / 1000,
        },
      }),
      isStale,
    );
    marked += ids.length;
  }
  return marked;
}

export async function sweep(
  core: RegistryCore,
  now: number,
  opts: Pick<MonitorOptions, "retentionMs" | "eventMaxRows">,
): Promise<void> {
  if (opts.retentionMs > 0) {
    const old = core.agents().filter((a) => a.status !== "healthy" && a.updated_at < now - opts.retentionMs);
    if (old.length) await core.purge(old.map((a) => a.agent_id));
  }
  if (opts.eventMaxRows > 0) await core.trimEvents(opts.eventMaxRows);
}

/**
 * A new leader waits this long before its first scan, so that every replica has flushed the
 * heartbeat times it holds (touches are written each second) and none is taken for silence.
 */
export const LEADER_SETTLE_MS = 3000;

/**
 * Starts the periodic work; returns a stop function. With replicas on one database only the
 * leader scans and sweeps, against heartbeat times every replica wrote; all of them flush.
 */
export function startMonitor(core: RegistryCore, opts: MonitorOptions): () => Promise<void> {
  const log = (what: string) => (e: unknown) => core.logger.error({ err: e }, `${what} failed`);
  // Leading from the start (a registry alone, or the replica that took the lock at start,
  // having just loaded the store) needs no settling.
  let leaderSince: number | undefined = core.replicas.leader ? Date.now() - LEADER_SETTLE_MS : undefined;
  const leading = async (): Promise<boolean> => {
    core.replicas.leader = await core.replicas.leads();
    if (!core.replicas.leader) {
      if (leaderSince !== undefined) core.logger.info("no longer the leader replica");
      leaderSince = undefined;
      return false;
    }
    if (leaderSince === undefined) {
      leaderSince = Date.now();
      core.logger.info("leader replica: running the health scan and the sweep");
    }
    return Date.now() - leaderSince >= LEADER_SETTLE_MS;
  };
  const scan = async () => {
    // Every replica: so GET /agents shows last_seen from heartbeats other replicas received.
    await core.replicas.syncHeartbeats();
    if (await leading()) await healthScan(core, core.now(), opts.timeoutThresholdMs);
  };
  const timers = [
    setInterval(() => void scan().catch(log("health scan")), opts.healthCheckIntervalMs),
    setInterval(
      () => void (async () => (await leading()) && (await sweep(core, core.now(), opts)))().catch(log("sweep")),
      opts.sweepIntervalMs,
    ),
    setInterval(() => void core.flushTouches().catch(log("heartbeat flush")), 1000),
  ];
  for (const t of timers) t.unref();
  return async () => {
    for (const t of timers) clearInterval(t);
    await core.flushTouches();
  };
}
