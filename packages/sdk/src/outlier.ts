// Outlier ejection (a circuit breaker per provider endpoint), shared by every dependency of an
// agent: a hung replica is hung for all of them. Time is passed in (or read from `clock` for
// the probe's late answer).
//
// - An endpoint is ejected after `consecutiveFailures` timeouts / connection failures in a row,
//   or at once when a call times out and the endpoint has answered nothing at all since that
//   call was sent (a hung process, not a slow tool: a slow one answers its other calls).
// - Ejected, it gets no calls (proxies try it only when every other provider failed).
// - Past the ejection it is probed once (half-open): by a side-effect-free health request when
//   `probe` is given, else by the next call. An answer lets it back in; a failure ejects it for
//   twice as long, up to `maxEjectionMs`.
// It also counts calls in flight per endpoint, so proxies prefer the less loaded equal replica:
// a hung one collects unanswered calls and new calls go elsewhere before any timeout fires.

export interface OutlierPolicy {
  /** Consecutive timeouts / connection failures that eject an endpoint (default 3). */
  consecutiveFailures: number;
  /** First ejection, ms (default 1000); doubled on each failed probe up to `maxEjectionMs`. */
  baseEjectionMs: number;
  /** Longest ejection, ms (default 5000): probes are cheap, a recovered replica returns soon. */
  maxEjectionMs: number;
}

export const DEFAULT_OUTLIER_POLICY: OutlierPolicy = {
  consecutiveFailures: 3,
  baseEjectionMs: 1000,
  maxEjectionMs: 5000,
};

export type OutlierEvent =
  | { kind: "ejected"; endpoint: string; failures: number; forMs: number; reason: string }
  | { kind: "returned"; endpoint: string; ejectedMs: number };

interface State {
  failures: number;
  ejectedAt: number;
  ejectedUntil: number;
  ejectionMs: number;
  /** When the current half-open probe started (0: none in flight). */
  probeAt: number;
}

export interface OutlierTracker {
  /** May a call go to `endpoint` now? Past its ejection this starts (or is) the probe. */
  admit(endpoint: string, now: number): boolean;
  success(endpoint: string, now: number): void;
  /** A timeout or connection failure; `sentAt` (timeouts): when the failed call was sent. */
  failure(endpoint: string, now: number, sentAt?: number): void;
  isEjected(endpoint: string, now: number): boolean;
  /** Calls in flight to `endpoint`. */
  inFlight(endpoint: string): number;
  /**
   * Orders two equal replicas: one with calls out that answered nothing for 100 ms longer than
   * the other goes last; otherwise fewer calls in flight first, then the one that answered
   * more recently. 0: let rotation decide.
   */
  compare(a: string, b: string): number;
  started(endpoint: string): void;
  finished(endpoint: string): void;
}

export interface OutlierOptions {
  policy?: OutlierPolicy;
  onEvent?: (e: OutlierEvent) => void;
  /** Resolves true when the endpoint answers; used instead of a real call as the half-open probe. */
  probe?: (endpoint: string) => Promise<boolean>;
  /** For the probe's completion, which arrives later (default performance.now). */
  clock?: () => number;
}

/** How much longer than its peer a replica with calls out may stay silent before it is passed over. */
const STALL_MS = 100;

/** Bound on remembered endpoints (an agent talks to far fewer). */
const MAX_TRACKED = 4096;

export function createOutlierTracker(opts: OutlierOptions = {}): OutlierTracker {
  const policy = opts.policy ?? DEFAULT_OUTLIER_POLICY;
  const onEvent = opts.onEvent ?? (() => {});
  const clock = opts.clock ?? (() => performance.now());
  const states = new Map<string, State>();
  const inFlight = new Map<string, number>(); // entries only while calls are in flight
  const answeredAt = new Map<string, number>();
  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    if (!map.has(key) && map.size >= MAX_TRACKED) map.delete(map.keys().next().value as string);
    map.set(key, value);
  };
  const ejected = (s: State | undefined, now: number) => s !== undefined && s.ejectedUntil > 0 && now < s.ejectedUntil;

  const tracker: OutlierTracker = {
    admit(endpoint, now) {
      const s = states.get(endpoint);
      if (!s || s.ejectedUntil === 0) return true;
      if (now < s.ejectedUntil) return false;
      // One probe at a time; a probe that never settles frees the slot after a while.
      if (s.probeAt !== 0 && now - s.probeAt < s.ejectionMs) return false;
      s.probeAt = now;
      if (!opts.probe) return true; // this call is the probe
      opts.probe(endpoint).then(
        (ok) => (ok ? tracker.success(endpoint, clock()) : tracker.failure(endpoint, clock())),
        () => tracker.failure(endpoint, clock()),
      );
      return false;
    },
    success(endpoint, now) {
      remember(answeredAt, endpoint, now);
      const s = states.get(endpoint);
      if (!s) return;
      states.delete(endpoint);
      if (s.ejectedUntil !== 0) onEvent({ kind: "returned", endpoint, ejectedMs: Math.round(now - s.ejectedAt) });
    },
    failure(endpoint, now, sentAt) {
      let s = states.get(endpoint);
      if (!s) {
        s = { failures: 0, ejectedAt: 0, ejectedUntil: 0, ejectionMs: 0, probeAt: 0 };
        remember(states, endpoint, s);
      }
      s.failures++;
      if (ejected(s, now)) return; // calls sent before the ejection, failing late
      const probeFailed = s.ejectedUntil !== 0;
      const silent = sentAt !== undefined && (answeredAt.get(endpoint) ?? Number.NEGATIVE_INFINITY) < sentAt;
      if (!probeFailed && !silent && s.failures < policy.consecutiveFailures) return;
      s.ejectionMs = probeFailed
        ? Math.min(policy.maxEjectionMs, s.ejectionMs * 2)
        : Math.min(policy.maxEjectionMs, policy.baseEjectionMs);
      if (!probeFailed) s.ejectedAt = now;
      s.ejectedUntil = now + s.ejectionMs;
      s.probeAt = 0;
      if (!probeFailed) {
        const reason =
          s.failures >= policy.consecutiveFailures
            ? `${s.failures} consecutive timeouts or connection failures`
            : "a timeout with no answer at all since the call was sent";
        onEvent({ kind: "ejected", endpoint, failures: s.failures, forMs: s.ejectionMs, reason });
      }
    },
    isEjected(endpoint, now) {
      return ejected(states.get(endpoint), now);
    },
    inFlight(endpoint) {
      return inFlight.get(endpoint) ?? 0;
    },
    compare(a, b) {
      const x = inFlight.get(a) ?? 0;
      const y = inFlight.get(b) ?? 0;
      const ax = answeredAt.get(a) ?? 0;
      const bx = answeredAt.get(b) ?? 0;
      // A replica with calls out that has been silent well past its peer's last answer is
      // stalling: new calls go to the peer, however many calls each has in flight.
      if (x > 0 && bx - ax > STALL_MS) return 1;
      if (y > 0 && ax - bx > STALL_MS) return -1;
      if (x !== y || x === 0) return x - y;
      return bx - ax;
    },
    started(endpoint) {
      remember(inFlight, endpoint, (inFlight.get(endpoint) ?? 0) + 1);
    },
    finished(endpoint) {
      const n = (inFlight.get(endpoint) ?? 0) - 1;
      if (n > 0) inFlight.set(endpoint, n);
      else inFlight.delete(endpoint);
    },
  };
  return tracker;
}

/** The log line for an ejection or a return (info level: routine, but worth seeing). */
export function outlierMessage(e: OutlierEvent): string {
  return e.kind === "ejected"
    ? `provider ${e.endpoint} ejected for ${e.forMs} ms after ${e.reason}`
    : `provider ${e.endpoint} answers again: back in rotation after ${e.ejectedMs} ms`;
}
