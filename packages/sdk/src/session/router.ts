// Session affinity on the consumer side: a call carrying a session id goes to the replica the
// session is assigned to, chosen among the registry's equal replicas (no extra hop). The
// assignment is kept in a store shared by consumer replicas (Redis, ./redis-store.ts) and
// cached here per session, so a repeated call costs no store round-trip: a cached entry due for
// a refresh (which also refreshes the TTL) is re-read behind the call. When the assigned replica has left the
// wiring, is ejected, or fails a call that another replica then answers, the session moves
// (compare-and-set in the store) and the move is reported.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { SessionMove } from "../types.js";
import type { Provider, Slot } from "../wiring.js";
import { rankForSession } from "./rendezvous.js";
import type { AssignmentStore } from "./store.js";

/** Cached assignments per process (the oldest are forgotten first). */
const CACHE_MAX = 10_000;
/**
 * A cached assignment is re-read from the store (refreshing its TTL) at most this often, ms:
 * how long a move made by another consumer can go unseen here (moves after a crash are seen at
 * once, every consumer notices the crash itself and the compare-and-set gives them one answer).
 */
const REFRESH_MAX_MS = 30_000;
const SESSION_ID_MAX = 512;

export interface SessionRoute {
  order: readonly Provider[];
  live: number;
  /** Call with the provider that answered: a different one than assigned moves the session. */
  answered(p: Provider): void;
}

export interface SessionRouter {
  route(
    slot: Slot,
    sessionId: string,
    order: readonly Provider[],
    live: number,
    onMove: ((e: SessionMove) => void) | undefined,
  ): Promise<SessionRoute>;
  close(): Promise<void>;
  readonly backend: () => "redis" | "memory";
}

export interface SessionRouterOptions {
  store: AssignmentStore;
  namespace: string;
  ttlSeconds: number;
  logger: Logger;
  /** Counts routes and moves (the agent's metrics). */
  observer?: SessionObserver;
}

/** hit: the session's replica was known; new: first assignment; moved: it had to move. */
export interface SessionObserver {
  routed(capability: string, result: "hit" | "new" | "moved"): void;
  moved(capability: string, reason: SessionMove["reason"]): void;
}

export function createSessionRouter(opts: SessionRouterOptions): SessionRouter {
  const { store, ttlSeconds, logger } = opts;
  const refreshMs = Math.min(REFRESH_MAX_MS, (ttlSeconds * 1000) / 4);
  const cache = new Map<string, { agentId: string; at: number }>();
  const pending = new Map<string, Promise<string | undefined>>();
  const remember = (key: string, agentId: string) => {
    cache.delete(key);
    cache.set(key, { agentId, at: performance.now() });
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  };
  /** Reads the stored assignment (refreshing its TTL) once, however many calls ask at the same time. */
  const read = (key: string, hit: { agentId: string } | undefined): Promise<string | undefined> => {
    let p = pending.get(key);
    if (!p) {
      p = store
        .get(key, ttlSeconds)
        .then((stored) => stored ?? (hit ? store.claim(key, hit.agentId, ttlSeconds) : undefined))
        .then((stored) => {
          if (stored !== undefined) remember(key, stored);
          return stored;
        })
        .finally(() => pending.delete(key));
      pending.set(key, p);
    }
    return p;
  };
  /**
   * The assignment: a cached one at once (a due refresh runs behind the call, so Redis latency
   * is only ever paid by a session's first call in this process), else the stored one.
   */
  const assigned = async (key: string): Promise<string | undefined> => {
    const hit = cache.get(key);
    if (!hit) return read(key, undefined);
    if (performance.now() - hit.at >= refreshMs) {
      hit.at = performance.now(); // one refresh per period, not one per call while it runs
      read(key, hit).catch(() => undefined);
    }
    return hit.agentId;
  };
  const report = (e: SessionMove, onMove: ((e: SessionMove) => void) | undefined) => {
    opts.observer?.moved(e.capability, e.reason);
    logger.info(e, `session ${e.sessionId} (${e.capability}) moved: ${e.from ?? "none"} -> ${e.to} (${e.reason})`);
    try {
      onMove?.(e);
    } catch (err) {
      logger.warn({ err }, "onSessionMoved listener threw");
    }
  };
  return {
    backend: store.backend,
    close: () => store.close(),
    async route(slot, sessionId, order, live, onMove) {
      checkSessionId(sessionId);
      const capability = slot.spec.capability;
      const key = `mcp-mesh:session:${opts.namespace}:${capability}:${sessionId}`;
      // Candidates: the live equal replicas; else any live provider; else anyone at all.
      const equal = new Set(slot.target.providers.slice(0, slot.target.equalCount).map((p) => p.agentId));
      const livePart = order.slice(0, live);
      let candidates = livePart.filter((p) => equal.has(p.agentId));
      if (candidates.length === 0) candidates = livePart.length > 0 ? livePart : [...order];
      const ranked = rankForSession(sessionId, candidates);
      const current = await assigned(key);
      let chosen = ranked.find((p) => p.agentId === current);
      opts.observer?.routed(capability, chosen ? "hit" : current === undefined ? "new" : "moved");
      if (!chosen) {
        const preferred = ranked[0] as Provider;
        const holder =
          current === undefined
            ? await store.claim(key, preferred.agentId, ttlSeconds)
            : await store.move(key, current, preferred.agentId, ttlSeconds);
        chosen = ranked.find((p) => p.agentId === holder) ?? preferred;
        remember(key, chosen.agentId);
        if (current !== undefined && chosen.agentId !== current) {
          const ejected = order.slice(live).some((p) => p.agentId === current);
          report(
            { sessionId, capability, from: current, to: chosen.agentId, reason: ejected ? "ejected" : "left" },
            onMove,
          );
        }
      }
      const first = chosen;
      const rest = ranked.filter((p) => p !== first);
      const inRank = new Set(ranked);
      const tail = order.filter((p) => !inRank.has(p));
      return {
        order: [first, ...rest, ...tail],
        live,
        answered(p) {
          if (p.agentId === first.agentId) return;
          remember(key, p.agentId);
          report({ sessionId, capability, from: first.agentId, to: p.agentId, reason: "failed" }, onMove);
          store.move(key, first.agentId, p.agentId, ttlSeconds).then(
            (holder) => remember(key, holder),
            () => undefined,
          );
        },
      };
    },
  };
}

function checkSessionId(id: string): void {
  if (typeof id !== "string" || id.length === 0 || id.length > SESSION_ID_MAX)
    throw new MeshError(
      ErrorCodes.VALIDATION_FAILED,
      `session id must be a non-empty string of at most ${SESSION_ID_MAX} characters`,
    );
}
