// The AI SDK prints its warnings (a setting the vendor does not support, ...) with console.warn
// unless the process sets the global AI_SDK_LOG_WARNINGS. A provider agent routes them to its
// own log instead, as structured entries, unless the application has set that global itself.
import type { Logger } from "pino";

type WarningLog = (options: { warnings: unknown[]; provider?: string; model?: string }) => void;

let logger: Logger | undefined;
const toLog: WarningLog = ({ warnings, provider, model }) =>
  logger?.warn({ warnings, provider, model }, `AI SDK warning (${provider ?? "?"} / ${model ?? "?"})`);

/** Routes the AI SDK's warnings to `log` (the agent's logger; the last provider agent that called, when a process has several). */
export function routeAiSdkWarnings(log: Logger | undefined): void {
  const g = globalThis as { AI_SDK_LOG_WARNINGS?: unknown };
  if (g.AI_SDK_LOG_WARNINGS !== undefined && g.AI_SDK_LOG_WARNINGS !== toLog) return;
  logger = log;
  g.AI_SDK_LOG_WARNINGS = toLog;
}
