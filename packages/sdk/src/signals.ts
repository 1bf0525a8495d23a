// SIGINT/SIGTERM: every running agent unregisters (DELETE at the registry) before the process
// exits, so its consumers re-wire at once instead of after the heartbeat timeout.
export const running = new Set<{ stop(): Promise<void> }>();

let installed = false;

export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === "SIGINT" ? 130 : 143;
    const force = setTimeout(() => process.exit(code), 5_000);
    force.unref();
    void Promise.allSettled([...running].map((a) => a.stop())).then(() => process.exit(code));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}
