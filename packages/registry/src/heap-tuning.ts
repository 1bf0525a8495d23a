// V8 heap settings the registry binary applies to itself at run time (flags on the command line
// would depend on how the binary is started). Measured at 5000 agents (bench/RESULTS.md):
// V8's defaults let the young generation grow to 33 MB and the old one to several times the
// live data, so RSS reached 190–210 MB for ~40 MB live. A young generation pinned at its
// starting 2 MB costs ~11% more CPU per registration in scavenges; 8 MB costs none of it.
//
// V8 has no run-time flag for the young generation's size, only for its growth factor, so the
// binary lets it grow (V8 doubles it as survivors demand) and sets the factor to 1 once it has
// reached the cap, checking a few times a second. The cap grows with the live old generation
// (a sixth of it): at 20,000 agents (~150 MB live) an 8 MB young generation promoted so much
// that registrations cost 24% more CPU than with V8's default.
//
// Node resets V8's flags when a worker thread starts (checked on Node 20.20: a flag set before
// `new Worker` no longer acts once the worker is online), and the SQLite writer is a worker
// that may be restarted, so whoever starts a worker calls reapplyHeapFlags() once it is online.
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

export interface HeapTuning {
  /** Old-generation growth after each full GC, in percent (0 = V8's default). */
  heapGrowthPercent: number;
  /**
   * Cap on the young generation (both semi-spaces), in MB, or a sixth of the live old
   * generation when that is larger (0 = V8's default, up to 33 MB).
   */
  youngGenerationMb: number;
}

let flags: string[] = [];
let growth: string | null = null;
let timer: NodeJS.Timeout | null = null;

const CHECK_MS = 100;

/** Applies the settings now and keeps the young generation under its cap; idempotent. */
export function tuneHeap(t: HeapTuning): void {
  flags = t.heapGrowthPercent > 0 ? [`--heap-growing-percent=${t.heapGrowthPercent}`] : [];
  if (timer) clearInterval(timer);
  timer = null;
  growth = null;
  if (t.youngGenerationMb > 0) {
    const cap = t.youngGenerationMb * 1024 * 1024;
    const check = () => {
      const { young, oldLive } = spaceSizes();
      const full = young >= Math.max(cap, oldLive / 6);
      const next = full ? "--semi-space-growth-factor=1" : "--semi-space-growth-factor=2";
      if (next !== growth) {
        growth = next;
        setFlagsFromString(next);
      }
    };
    check();
    timer = setInterval(check, CHECK_MS);
    timer.unref();
  }
  reapplyHeapFlags();
}

/** Sets the flags again (no-op unless tuneHeap ran: the library leaves V8 alone). */
export function reapplyHeapFlags(): void {
  for (const f of flags) setFlagsFromString(f);
  if (growth) setFlagsFromString(growth);
}

function spaceSizes(): { young: number; oldLive: number } {
  let young = 0;
  let oldLive = 0;
  for (const s of getHeapSpaceStatistics()) {
    if (s.space_name === "new_space") young = s.space_size;
    else if (s.space_name === "old_space") oldLive = s.space_used_size;
  }
  return { young, oldLive };
}
