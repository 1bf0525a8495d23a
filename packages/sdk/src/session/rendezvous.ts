// Rendezvous (highest-random-weight) hashing: which replica a session prefers. Chosen over
// least-assigned because it needs no shared counters (Redis cannot tell us when a session's key
// expires), two consumers compute the same choice even without Redis, and a replica leaving
// moves only its own sessions (each to its next-highest replica, the same one for every consumer).
import type { Provider } from "../wiring.js";

/** The providers in descending preference for this session (stable for equal inputs). */
export function rankForSession(sessionId: string, providers: readonly Provider[]): Provider[] {
  if (providers.length <= 1) return [...providers];
  const scored = providers.map((p) => ({ p, s: score(sessionId, p.agentId) }));
  scored.sort((a, b) => b.s - a.s || (a.p.agentId < b.p.agentId ? -1 : 1));
  return scored.map((x) => x.p);
}

/** FNV-1a over agent id and session id, then murmur3's finaliser so nearby ids spread. */
export function score(sessionId: string, agentId: string): number {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  };
  mix(agentId);
  mix("\u0000");
  mix(sessionId);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
