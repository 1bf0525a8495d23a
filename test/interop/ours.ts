// How to start OUR registry. OURS_CMD (a whitespace-separated command line) overrides the
// default, e.g. OURS_CMD=.cache/reference/bin/mcp-mesh-registry to validate the interop tests
// against the reference binary itself (the same binary twice must agree).
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { QUIET_HEALTH_ENV, type RegistryProcess, startRegistryProcess } from "./processes.js";
import { REPO_ROOT } from "./reference.js";

export const DEFAULT_OURS_CMD = "node packages/registry/bin/mcp-mesh-registry.js";

/** argv of our registry; relative paths are resolved against the repo root. */
export function oursCommand(): string[] {
  const raw = process.env.OURS_CMD?.trim() || DEFAULT_OURS_CMD;
  return raw
    .split(/\s+/)
    .map((part) =>
      part.includes("/") && !part.startsWith("-") && !isAbsolute(part) ? resolve(REPO_ROOT, part) : part,
    );
}

/** Files named on the command line that do not exist (e.g. our bin not built yet). */
export function missingOurs(): string[] {
  return oursCommand()
    .filter((part) => isAbsolute(part) && !existsSync(part))
    .map((part) => `our registry ${part} (set OURS_CMD or build packages/registry)`);
}

export function startOurRegistry(extraEnv: Record<string, string> = {}): Promise<RegistryProcess> {
  return startRegistryProcess("ours", oursCommand(), { ...QUIET_HEALTH_ENV, ...extraEnv });
}
