// SIGINT/SIGTERM: every running agent unregisters (DELETE at the registry) before the process
// exits, so its consumers re-wire at once instead of after the heartbeat timeout. The first
// signal decides; the other kind arriving meanwhile is ignored, the same kind again kills.
export const running = new Set<{ stop(): Promise<void> }>();

let installed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let leaving = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // Ctrl-C under a supervisor (meshctl, npm) brings SIGINT and then the supervisor's SIGTERM:
    // the second must not cut the first's unregistering short. A repeat of the same signal
    // finds no handler (once) and ends the process at once, as a second Ctrl-C should.
    if (leaving) return;
    leaving = true;
    const code = signal === "SIGINT" ? 130 : 143;
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    void Promise.allSettled([...running].map((a) => a.stop())).then(() => process.exit(code));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}
