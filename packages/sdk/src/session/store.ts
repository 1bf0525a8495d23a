// Where session assignments (session key -> provider agent id) live. Two implementations of
// one small interface: per-process memory (./store.ts) and Redis with memory as its fall-back
// (./redis-store.ts). The operations are the three a router needs, each atomic in Redis.

export interface AssignmentStore {
  /** The assigned agent id, refreshing the key's TTL (GETEX); undefined when none. */
  get(key: string, ttlSeconds: number): Promise<string | undefined>;
  /** Assigns `agentId` unless the key is taken (SET NX); resolves to the assignment that holds. */
  claim(key: string, agentId: string, ttlSeconds: number): Promise<string>;
  /**
   * Moves the session from `from` to `to` unless another consumer already moved it (compare
   * and set); resolves to the assignment that holds.
   */
  move(key: string, from: string, to: string, ttlSeconds: number): Promise<string>;
  /** "redis" while Redis answers, "memory" otherwise (for logs and tests). */
  readonly backend: () => "redis" | "memory";
  close(): Promise<void>;
}

/** At most this many sessions are remembered per process; the oldest are forgotten first. */
export const MEMORY_MAX_SESSIONS = 100_000;

export function createMemoryStore(max = MEMORY_MAX_SESSIONS): AssignmentStore {
  const entries = new Map<string, { agentId: string; expires: number }>();
  const set = (key: string, agentId: string, ttlSeconds: number) => {
    entries.delete(key); // re-insert: Map order is the eviction order
    entries.set(key, { agentId, expires: Date.now() + ttlSeconds * 1000 });
    if (entries.size > max) entries.delete(entries.keys().next().value as string);
    return agentId;
  };
  const current = (key: string) => {
    const e = entries.get(key);
    if (e && e.expires <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return e?.agentId;
  };
  return {
    async get(key, ttl) {
      const agentId = current(key);
      return agentId === undefined ? undefined : set(key, agentId, ttl);
    },
    async claim(key, agentId, ttl) {
      return set(key, current(key) ?? agentId, ttl);
    },
    async move(key, from, to, ttl) {
      const now = current(key);
      return set(key, now === undefined || now === from ? to : now, ttl);
    },
    backend: () => "memory",
    close: async () => entries.clear(),
  };
}
