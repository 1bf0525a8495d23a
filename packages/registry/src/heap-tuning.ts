// V8 heap settings the registry binary applies to itself at run time (flags on the command line
// would depend on how the binary is started). Measured at 5000 agents (bench/RESULTS.md):
// V8's defaults let the young generation grow to 33 MB and the old one to several times the
// live data, so RSS reached 190–210 MB for ~40 MB live.
//
// Node resets V8's flags when a worker thread starts (checked on Node 20.20: a flag set before
// `new Worker` no longer acts once the worker is online), and the SQLite writer is a worker
// that may be restarted, so whoever starts a worker calls reapplyHeapFlags() once it is online.
import { setFlagsFromString } from "node:v8";

export interface HeapTuning {
  /** Old-generation growth after each full GC, in percent (0 = V8's default). */
  heapGrowthPercent: number;
  /** Factor by which the young generation may grow (1 = it keeps its starting 1–2 MB; 0 = V8's default). */
  semiSpaceGrowth: number;
}

let flags: string[] = [];

/** Applies the settings now and remembers them for reapplyHeapFlags(). */
export function tuneHeap(t: HeapTuning): void {
  flags = [];
  if (t.heapGrowthPercent > 0) flags.push(`--heap-growing-percent=${t.heapGrowthPercent}`);
  if (t.semiSpaceGrowth > 0) flags.push(`--semi-space-growth-factor=${t.semiSpaceGrowth}`);
  reapplyHeapFlags();
}

/** Sets the remembered flags again (no-op unless tuneHeap ran: the library leaves V8 alone). */
export function reapplyHeapFlags(): void {
  for (const f of flags) setFlagsFromString(f);
}
