// Samples, once a second, how much CPU *other* processes use while a benchmark runs: the CPU time
// of every user process outside the benchmark's own process tree (harness + spawned registries).
// On a shared 2-core machine a test suite running at the same time shows up here, so a result
// can be judged (or discarded) afterwards. Linux only; a no-op elsewhere.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let CLK_TCK = 100;
try {
  CLK_TCK = Number.parseInt(execFileSync("getconf", ["CLK_TCK"]).toString().trim(), 10) || 100;
} catch {
  /* keep the Linux default */
}

function readProcStat() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] || 0);
    return busy;
  } catch {
    return null;
  }
}

function allProcs() {
  const out = new Map(); // pid -> { ppid, ticks, comm }
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const txt = readFileSync(`/proc/${d}/stat`, "utf8");
      const rp = txt.lastIndexOf(")");
      const comm = txt.slice(txt.indexOf("(") + 1, rp);
      const f = txt.slice(rp + 2).split(" ");
      out.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), comm });
    } catch {
      /* exited */
    }
  }
  return out;
}

function treeOf(procs, root) {
  const kids = new Map();
  for (const [pid, p] of procs) {
    if (!kids.has(p.ppid)) kids.set(p.ppid, []);
    kids.get(p.ppid).push(pid);
  }
  const out = new Set();
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    if (!procs.has(p) || out.has(p)) continue;
    out.add(p);
    for (const c of kids.get(p) || []) stack.push(c);
  }
  return out;
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim().slice(0, 120);
  } catch {
    return "";
  }
}

/** Starts sampling; `ownRoots()` returns the PIDs whose trees are the benchmark itself. */
export function startForeignCpuMonitor(ownRoots, intervalMs = 1000) {
  if (process.platform !== "linux" || readProcStat() == null) return { stop: () => null };
  let lastProcs = allProcs();
  const samples = []; // [iso time, foreign cores]
  const culprits = new Map(); // cmdline -> cpu seconds
  const timer = setInterval(() => {
    const procs = allProcs();
    const own = new Set();
    for (const r of ownRoots()) for (const p of treeOf(procs, r)) own.add(p);
    let foreignTicks = 0;
    const foreign = [];
    for (const [pid, p] of procs) {
      // kernel threads (children of kthreadd, PID 2) work for everyone, the benchmark included
      // (loopback networking, SQLite's writeback): not counted as competition
      if (own.has(pid) || pid === 2 || p.ppid === 2) continue;
      const before = lastProcs.get(pid);
      // a process that is new since the last sample started within this interval
      const d = before && before.comm === p.comm ? p.ticks - before.ticks : p.ticks;
      if (d <= 0) continue;
      foreignTicks += d;
      foreign.push([pid, d]);
    }
    const secs = intervalMs / 1000;
    const cores = foreignTicks / CLK_TCK / secs;
    samples.push([new Date().toISOString().slice(11, 19), Math.round(cores * 100) / 100]);
    for (const [pid, d] of foreign) {
      if (d / CLK_TCK / secs < 0.05) continue;
      const k = cmdline(pid) || procs.get(pid).comm;
      culprits.set(k, (culprits.get(k) || 0) + d / CLK_TCK);
    }
    lastProcs = procs;
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const v = samples.map((s) => s[1]).sort((a, b) => a - b);
      const busySecs = samples.filter((s) => s[1] >= 0.25);
      return {
        method:
          "once a second: CPU (utime+stime, in cores) of all user processes outside the benchmark's own process tree (harness, registries, meshctl); kernel threads excluded",
        samples: samples.length,
        foreign_cores_mean: v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 100) / 100 : null,
        foreign_cores_p90: v.length ? v[Math.min(v.length - 1, Math.floor(v.length * 0.9))] : null,
        foreign_cores_max: v.length ? v[v.length - 1] : null,
        seconds_with_foreign_cores_ge_0_25: busySecs.length,
        busy_periods: periods(busySecs.map((s) => s[0])),
        top_foreign_processes_cpu_s: [...culprits]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, s]) => [k, Math.round(s * 10) / 10]),
        series: samples,
      };
    },
  };
}

/** ["01:02:03", "01:02:04", "01:02:09"] -> ["01:02:03-01:02:04", "01:02:09"] */
function periods(times) {
  const toS = (t) => {
    const [h, m, s] = t.split(":").map(Number);
    return h * 3600 + m * 60 + s;
  };
  const out = [];
  let start = null;
  let prev = null;
  for (const t of times) {
    if (prev != null && toS(t) - toS(prev) <= 2) {
      prev = t;
      continue;
    }
    if (start) out.push(start === prev ? start : `${start}-${prev}`);
    start = t;
    prev = t;
  }
  if (start) out.push(start === prev ? start : `${start}-${prev}`);
  return out;
}
