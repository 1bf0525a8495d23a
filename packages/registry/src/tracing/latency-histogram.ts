// A sparse log-scale latency histogram (bins 4 % wide, so a percentile read from it is within
// ±2 % of the sample's value): bounded memory whatever the call rate, and histograms of
// different buckets merge by adding counts.

const GROWTH = Math.log(1.04);
/** Below 1 µs everything shares one bin. */
const FLOOR_MS = 0.001;

/** bin index → samples in it. */
export type Histogram = Map<number, number>;

const binOf = (ms: number) => Math.ceil(Math.log(Math.max(ms, FLOOR_MS) / FLOOR_MS) / GROWTH);
/** The bin's geometric middle, in ms. */
const middleOf = (bin: number) => FLOOR_MS * Math.exp((bin - 0.5) * GROWTH);

export function addSample(h: Histogram, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  const b = binOf(ms);
  h.set(b, (h.get(b) ?? 0) + 1);
}

export function mergeInto(into: Histogram, from: Histogram): void {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
}

/**
 * The nearest-rank `q` quantile (0..1), kept within the samples' [min, max] (so one sample reads
 * exactly); null for an empty histogram.
 */
export function percentile(h: Histogram, q: number, min = 0, max = Number.POSITIVE_INFINITY): number | null {
  let total = 0;
  for (const n of h.values()) total += n;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of [...h.keys()].sort((x, y) => x - y)) {
    seen += h.get(b) ?? 0;
    if (seen >= rank) return Math.max(min, Math.min(middleOf(b), max));
  }
  return max;
}
