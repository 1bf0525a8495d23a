// What the SDK benchmarks share: the closed-loop measurement (`concurrency` callers, each
// starting its next call when the last one answered, for `secs` seconds) and spawning agent
// processes that announce themselves with a "READY <url> [agent id]" line.
import { spawn } from "node:child_process";

/** Calls/s, p50 and p99 (ms) of `call` run by `concurrency` callers for `secs` seconds; errors counted, not thrown. */
export async function measure(call, concurrency, secs) {
  const latencies = [];
  let errors = 0;
  let firstError;
  const started = performance.now();
  const until = started + secs * 1000;
  async function worker() {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err.message;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.floor((latencies.length - 1) * p)] ?? Number.NaN;
  return {
    calls_per_second: Math.round(latencies.length / elapsed),
    calls: latencies.length,
    errors,
    ...(firstError && { firstError }),
    p50_ms: pct(0.5),
    p99_ms: pct(0.99),
  };
}

/**
 * Spawns a process that prints "READY <url> [agent id]"; resolves with them and the child,
 * which is added to `children` (the caller kills them, by PID, when done or on exit).
 */
export function spawnReady(cmd, args, env, children) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let log = "";
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} not ready in 20 s:\n${log}`)), 20_000);
    child.stdout.on("data", (chunk) => {
      log = (log + chunk).slice(-16384);
      const ready = /READY (\S+)(?: (\S+))?/.exec(log);
      if (ready) {
        clearTimeout(timer);
        resolveReady({ url: ready[1], agentId: ready[2], child });
      }
    });
    child.stderr.on("data", (c) => (log = (log + c).slice(-16384)));
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code}):\n${log}`)));
  });
}
