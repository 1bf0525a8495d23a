// Hedged requests: start the call on one provider; if it has not settled after `afterMs`, start
// it on a second one too, and take the first success (the other request is cancelled). Only for
// calls that are safe to run twice: both providers may run the tool.

export type HedgeOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; hedged: boolean };

/**
 * `final(error)` says an error is an answer (e.g. the tool failed) rather than a failure to get
 * one: it settles the hedge at once. Otherwise a failure waits for the other request.
 * `hedged` tells whether the second request was started.
 */
export function hedge<T>(
  first: (signal: AbortSignal) => Promise<T>,
  second: (signal: AbortSignal) => Promise<T>,
  afterMs: number,
  final: (error: unknown) => boolean,
): Promise<HedgeOutcome<T>> {
  return new Promise((resolve) => {
    const controllers = [new AbortController(), new AbortController()] as const;
    let started = 1;
    let failed = 0;
    let settled = false;
    const settle = (outcome: HedgeOutcome<T>, winner: 0 | 1) => {
      settled = true;
      clearTimeout(timer);
      controllers[winner === 0 ? 1 : 0].abort();
      resolve(outcome);
    };
    const run = (fn: (signal: AbortSignal) => Promise<T>, i: 0 | 1) =>
      fn(controllers[i].signal).then(
        (value) => {
          if (!settled) settle({ ok: true, value }, i);
        },
        (error: unknown) => {
          if (settled) return;
          failed++;
          if (final(error) || failed === started) settle({ ok: false, error, hedged: started === 2 }, i);
        },
      );
    const timer = setTimeout(() => {
      if (settled) return;
      started = 2;
      run(second, 1);
    }, afterMs);
    run(first, 0);
  });
}
