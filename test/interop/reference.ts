// Where the reference MCP Mesh 3.7.1 binaries live (fetched by scripts/fetch-reference.mjs;
// keep the paths in sync) and how to start the reference registry.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { QUIET_HEALTH_ENV, type RegistryProcess, startRegistryProcess } from "./processes.js";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const REFERENCE_BIN_DIR = join(REPO_ROOT, ".cache", "reference", "bin");

export type ReferenceBinary = "mcp-mesh-registry" | "meshctl" | "meshui";

export function referenceBinary(name: ReferenceBinary): string {
  return join(REFERENCE_BIN_DIR, name);
}

/** Human-readable list of what is missing (empty when everything is there). */
export function missingReferenceBinaries(...names: ReferenceBinary[]): string[] {
  return names
    .filter((n) => !existsSync(referenceBinary(n)))
    .map((n) => `reference binary ${referenceBinary(n)} (run: node scripts/fetch-reference.mjs)`);
}

export function startReferenceRegistry(extraEnv: Record<string, string> = {}): Promise<RegistryProcess> {
  return startRegistryProcess("reference", [referenceBinary("mcp-mesh-registry")], {
    ...QUIET_HEALTH_ENV,
    ...extraEnv,
  });
}
