// SIGINT/SIGTERM: every running agent unregisters (DELETE at the registry) before the process
// exits, so its consumers re-wire at once instead of after the heartbeat timeout.
export const running = new Set<{ stop(): Promise<void> }>();

/**
 * Signals arriving this soon after the first are the same request delivered twice: `timeout`
 * and some supervisors signal the process and its group, npm forwards Ctrl-C that the terminal
 * already sent, Ctrl-C under meshctl brings SIGINT and then meshctl's SIGTERM. None of them
 * may cut the unregistering short.
 */
export const DUPLICATE_SIGNAL_MS = 1_000;
/** Leaving takes at most this long; then the process exits anyway. */
const FORCE_EXIT_MS = 5_000;

let installed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  let leftAt: number | undefined;
  let code = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (leftAt === undefined) {
      leftAt = Date.now();
      code = signal === "SIGINT" ? 130 : 143;
      const force = setTimeout(() => process.exit(code), FORCE_EXIT_MS);
      force.unref();
      void Promise.allSettled([...running].map((a) => a.stop())).then(() => process.exit(code));
      return;
    }
    // A second Ctrl-C a person presses, well after the first: they want out now.
    if (Date.now() - leftAt >= DUPLICATE_SIGNAL_MS) process.exit(code);
  };
  // `on`, not `once`: with no handler left a repeated signal would kill the process mid-DELETE.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}
