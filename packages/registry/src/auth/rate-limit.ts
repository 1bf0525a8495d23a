// A token bucket per credential for registry writes: `rate` writes a second on average, bursts
// up to `burst`. Buckets idle long enough to be full are dropped, so memory stays bounded by
// the number of recently active clients.

export interface RateLimiter {
  /** 0 when the write may go ahead, else the milliseconds until one token is available. */
  take(key: string): number;
}

const MAX_BUCKETS = 100_000;

export function createRateLimiter(rate: number, burst: number, clock: () => number = Date.now): RateLimiter {
  if (rate <= 0) return { take: () => 0 };
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = clock();
      let b = buckets.get(key);
      if (!b) {
        if (buckets.size >= MAX_BUCKETS) prune(buckets, now, rate, burst);
        b = { tokens: burst, at: now };
        buckets.set(key, b);
      }
      b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / rate) * 1000);
    },
  };
}

function prune(buckets: Map<string, { tokens: number; at: number }>, now: number, rate: number, burst: number) {
  for (const [k, b] of buckets) if (b.tokens + ((now - b.at) / 1000) * rate >= burst) buckets.delete(k);
  // Everyone active at once: start over rather than grow without bound.
  if (buckets.size >= MAX_BUCKETS) buckets.clear();
}
