// Outlier ejection (a circuit breaker per provider endpoint): an endpoint whose calls keep
// timing out or failing to connect stops getting traffic for a while, then gets one probe call
// (half-open); the probe's answer lets it back in, another failure ejects it for longer. Shared
// by every dependency of an agent: a hung replica is hung for all of them. Time is passed in.

export interface OutlierPolicy {
  /** Consecutive timeouts / connection failures that eject an endpoint (default 3). */
  consecutiveFailures: number;
  /** First ejection, ms (default 2000); doubled on each failed probe up to `maxEjectionMs`. */
  baseEjectionMs: number;
  maxEjectionMs: number;
}

export const DEFAULT_OUTLIER_POLICY: OutlierPolicy = {
  consecutiveFailures: 3,
  baseEjectionMs: 2000,
  maxEjectionMs: 30_000,
};

export type OutlierEvent =
  | { kind: "ejected"; endpoint: string; failures: number; forMs: number }
  | { kind: "returned"; endpoint: string; ejectedMs: number };

interface State {
  failures: number;
  ejectedAt: number;
  ejectedUntil: number;
  ejectionMs: number;
  /** When the current half-open probe was let through (0: none in flight). */
  probeAt: number;
}

export interface OutlierTracker {
  /** May a call go to `endpoint` now? Past its ejection, the first caller is the probe. */
  admit(endpoint: string, now: number): boolean;
  success(endpoint: string, now: number): void;
  failure(endpoint: string, now: number): void;
  isEjected(endpoint: string, now: number): boolean;
}

const MAX_TRACKED = 4096;

export function createOutlierTracker(
  policy: OutlierPolicy = DEFAULT_OUTLIER_POLICY,
  onEvent: (e: OutlierEvent) => void = () => {},
): OutlierTracker {
  const states = new Map<string, State>();
  const ejected = (s: State | undefined, now: number) => s !== undefined && s.ejectedUntil > 0 && now < s.ejectedUntil;
  return {
    admit(endpoint, now) {
      const s = states.get(endpoint);
      if (!s || s.ejectedUntil === 0) return true;
      if (now < s.ejectedUntil) return false;
      // Half-open: one probe at a time; a probe that never settles frees the slot after a while.
      if (s.probeAt !== 0 && now - s.probeAt < s.ejectionMs) return false;
      s.probeAt = now;
      return true;
    },
    success(endpoint, now) {
      const s = states.get(endpoint);
      if (!s) return;
      states.delete(endpoint);
      if (s.ejectedUntil !== 0) onEvent({ kind: "returned", endpoint, ejectedMs: Math.round(now - s.ejectedAt) });
    },
    failure(endpoint, now) {
      let s = states.get(endpoint);
      if (!s) {
        if (states.size >= MAX_TRACKED) states.delete(states.keys().next().value as string);
        s = { failures: 0, ejectedAt: 0, ejectedUntil: 0, ejectionMs: 0, probeAt: 0 };
        states.set(endpoint, s);
      }
      s.failures++;
      const probeFailed = s.ejectedUntil !== 0 && now >= s.ejectedUntil;
      if (ejected(s, now)) return; // calls sent before the ejection still failing
      if (!probeFailed && s.failures < policy.consecutiveFailures) return;
      s.ejectionMs = probeFailed
        ? Math.min(policy.maxEjectionMs, s.ejectionMs * 2)
        : Math.min(policy.maxEjectionMs, policy.baseEjectionMs);
      if (s.ejectedUntil === 0) s.ejectedAt = now;
      s.ejectedUntil = now + s.ejectionMs;
      s.probeAt = 0;
      if (!probeFailed) onEvent({ kind: "ejected", endpoint, failures: s.failures, forMs: s.ejectionMs });
    },
    isEjected(endpoint, now) {
      return ejected(states.get(endpoint), now);
    },
  };
}

/** The log line for an ejection or a return (info level: routine, but worth seeing). */
export function outlierMessage(e: OutlierEvent): string {
  return e.kind === "ejected"
    ? `provider ${e.endpoint} ejected for ${e.forMs} ms after ${e.failures} consecutive timeouts or connection failures`
    : `provider ${e.endpoint} answers again: back in rotation after ${e.ejectedMs} ms`;
}
