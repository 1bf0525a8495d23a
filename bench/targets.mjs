#!/usr/bin/env node
// The issue's performance targets, evaluated on a harness result file.
//
//   node bench/targets.mjs bench/results/ts-registry.json [bench/results/go-registry.json]
//
// Used by bench/run.mjs. "Held" for a HEAD rate means: HEAD requests/s achieved in the
// harness's steady-state window (every agent HEADs every 5 s, i.e. N/5 HEAD/s offered)
// are at least 95 % of the offered rate. The harness measures the interval from the end of
// the previous heartbeat, like the SDK, so the ideal rate is N / (5 s + latency).

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const get = (o, p) => p.split(".").reduce((x, k) => (x == null ? undefined : x[k]), o);
const num = (v, d = 1) =>
  v == null || Number.isNaN(v) ? "–" : Number(v).toLocaleString("en-US", { maximumFractionDigits: d });
const HELD = 0.95;

function headHeld(d, n, rate, p99Max) {
  const s = get(d, `sizes.${n}.steady_state`);
  if (!s) return { value: `not run (N=${n})`, met: null };
  const perS = s.HEAD?.per_s ?? 0;
  const p99 = s.HEAD?.latency?.p99_ms;
  let met = perS >= HELD * rate && s.errors === 0 && s.keeps_up === true;
  if (p99Max != null) met = met && p99 != null && p99 < p99Max;
  return {
    value: `${num(perS)} HEAD/s of ${num(s.offered_heartbeats_per_s)} offered; p50 ${num(s.HEAD?.latency?.p50_ms, 2)} / p99 ${num(p99, 2)} ms; errors ${s.errors}; full POSTs ${s.POST?.requests ?? 0}`,
    met,
  };
}

const TARGETS = [
  {
    target: "N=5000: 1000 HEAD/s held, HEAD p99 < 20 ms, 0 errors",
    source: "sizes.5000.steady_state (20 s window, 5 s cadence)",
    eval: (d) => headHeld(d, 5000, 1000, 20),
  },
  {
    target: "N=10000: 2000 HEAD/s held (0 errors)",
    source: "sizes.10000.steady_state",
    eval: (d) => headHeld(d, 10000, 2000, null),
  },
  {
    target: "N=20000: 4000 HEAD/s held, HEAD p99 < 20 ms, 0 errors",
    source: "sizes.20000.steady_state",
    eval: (d) => headHeld(d, 20000, 4000, 20),
  },
  {
    target: "N=5000: registration ≥ 2000/s",
    source: "sizes.5000.registration (16 concurrent POST /heartbeat)",
    eval: (d) => {
      const r = get(d, "sizes.5000.registration");
      if (!r) return { value: "not run", met: null };
      return {
        value: `${num(r.registrations_per_s)}/s (p50 ${num(r.latency?.p50_ms, 2)} ms, p99 ${num(r.latency?.p99_ms, 2)} ms; ${r.accepted}/5000 accepted)`,
        met: r.registrations_per_s >= 2000 && r.accepted === 5000,
      };
    },
  },
  {
    target: "N=5000: full heartbeat with dependencies p50 < 2 ms",
    source: "sizes.5000.dependency_resolution.latency_with_deps",
    eval: (d) => {
      const x = get(d, "sizes.5000.dependency_resolution");
      if (!x) return { value: "not run", met: null };
      const p50 = x.latency_with_deps?.p50_ms;
      return {
        value: `p50 ${num(p50, 2)} ms, p99 ${num(x.latency_with_deps?.p99_ms, 2)} ms (${x.check?.available}/${x.check?.dependencies_expected} resolved)`,
        met: p50 != null && p50 < 2 && x.check?.available === x.check?.dependencies_expected,
      };
    },
  },
  {
    target: "N=5000: RSS < 150 MB",
    source: "sizes.5000.registry_end.rss_hwm_mb (peak VmHWM over the instance's life)",
    eval: (d) => {
      const e = get(d, "sizes.5000.registry_end");
      const s = get(d, "sizes.5000.steady_state.registry");
      if (!e && !s) return { value: "not run", met: null };
      const peak = e?.rss_hwm_mb ?? s?.rss_hwm_mb;
      return {
        value: `peak ${num(peak)} MB; end of steady state ${num(s?.rss_mb_end)} MB`,
        met: peak != null && peak < 150,
      };
    },
  },
  {
    target: "cold start to /health < 300 ms",
    source: "cold_start.summary (spawn → first GET /health 200)",
    eval: (d) => {
      const c = get(d, "cold_start.summary");
      if (!c) return { value: "not run", met: null };
      return {
        value: `median ${num(c.time_to_healthy_ms_median)} ms (min ${num(c.time_to_healthy_ms_min)}, max ${num(c.time_to_healthy_ms_max)}); RSS ${num(c.rss_mb_at_ready_median)} MB`,
        met: c.time_to_healthy_ms_median < 300,
      };
    },
  },
  {
    target: "harness validity checks pass",
    source: "validity",
    eval: (d) => ({
      value: d.validity?.ok ? "ok" : `${d.validity?.problems?.length} problem(s)`,
      met: !!d.validity?.ok,
    }),
  },
];

export function evaluateTargets(ours, ref = null) {
  return TARGETS.map((t) => ({
    target: t.target,
    source: t.source,
    ours: t.eval(ours),
    ref: ref ? t.eval(ref) : null,
  }));
}

const mark = (m) => (m == null ? "n/a" : m ? "**met**" : "**not met**");
export function renderTargets(rows, refLabel = null) {
  const head = ["Target", "Ours (measured)", "Met?", ...(refLabel ? [`${refLabel}`] : []), "Source in the result JSON"];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const r of rows)
    lines.push(
      `| ${[r.target, r.ours.value, mark(r.ours.met), ...(refLabel ? [`${r.ref.value} (${mark(r.ref.met).replaceAll("*", "")})`] : []), r.source].join(" | ")} |`,
    );
  return lines.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [a, b] = process.argv.slice(2);
  if (!a) {
    console.error("usage: node bench/targets.mjs OURS.json [REFERENCE.json]");
    process.exit(2);
  }
  const ours = JSON.parse(readFileSync(a, "utf8"));
  const ref = b ? JSON.parse(readFileSync(b, "utf8")) : null;
  console.log(renderTargets(evaluateTargets(ours, ref), ref ? ref.target?.label || path.basename(b) : null));
}
