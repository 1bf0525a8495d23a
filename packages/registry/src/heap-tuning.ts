// V8 heap settings the registry binary applies to itself at run time (flags on the command line
// would depend on how the binary is started). Measured (bench/RESULTS.md): with V8's defaults
// a 5000-agent registry's RSS reached 190–210 MB for ~40 MB live, because the young generation
// grows to 33 MB and the old one to several times the live data between full GCs. So while the
// live old generation is small the binary keeps both tight: old-generation growth of 25 % and a
// young generation of at most 8 MB (pinned at its starting 2 MB it cost ~11 % CPU). A large mesh
// gets V8's defaults back: at 20,000 agents (~150 MB live) the tight heap made full GCs so
// frequent that HEAD heartbeats waited 100–170 ms (p99) behind them, against 14 ms with the
// defaults, for 555 instead of ~300 MB RSS.
//
// V8 has no run-time flag for the young generation's size, only for its growth factor, so the
// binary lets it grow (V8 doubles it as survivors demand) and sets the factor to 1 once it has
// reached the cap, checking every 10 ms (about 15 µs each): only allocation that doubles it
// twice within one check, without yielding to the event loop, gets past the cap.
//
// Node resets V8's flags when a worker thread starts (checked on Node 20.20: a flag set before
// `new Worker` no longer acts once the worker is online), and the SQLite writer is a worker
// that may be restarted, so whoever starts a worker calls reapplyHeapFlags() once it is online.
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";

export interface HeapTuning {
  /** Old-generation growth after each full GC, in percent (0 = V8's default). */
  heapGrowthPercent: number;
  /** Cap on the young generation (both semi-spaces), in MB (0 = V8's default, up to 33 MB). */
  youngGenerationMb: number;
  /** The two settings above hold while the live old generation is below this many MB (0 = always). */
  leanHeapMb: number;
}

const CHECK_MS = 10;
const MB = 1024 * 1024;
/** Back to the tight heap only well below the threshold, so a mesh near it does not flap. */
const HYSTERESIS = 0.7;

let applied: string[] = [];
let timer: NodeJS.Timeout | null = null;

/** Applies the settings now and keeps them up to date as the heap grows; idempotent. */
export function tuneHeap(t: HeapTuning): void {
  if (timer) clearInterval(timer);
  timer = null;
  applied = [];
  let large = false;
  const check = () => {
    const { young, oldLive } = spaceSizes();
    if (t.leanHeapMb > 0) {
      if (!large && oldLive > t.leanHeapMb * MB) large = true;
      else if (large && oldLive < t.leanHeapMb * MB * HYSTERESIS) large = false;
    }
    const flags = [`--heap-growing-percent=${large ? 0 : t.heapGrowthPercent}`];
    if (t.youngGenerationMb > 0) {
      const full = !large && young >= t.youngGenerationMb * MB;
      flags.push(`--semi-space-growth-factor=${full ? 1 : 2}`);
    }
    if (flags.join() !== applied.join()) {
      applied = flags;
      reapplyHeapFlags();
    }
  };
  check();
  if (t.youngGenerationMb > 0 || (t.leanHeapMb > 0 && t.heapGrowthPercent > 0)) {
    timer = setInterval(check, CHECK_MS);
    timer.unref();
  }
}

/** Sets the current flags again (no-op unless tuneHeap ran: the library leaves V8 alone). */
export function reapplyHeapFlags(): void {
  for (const f of applied) setFlagsFromString(f);
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
