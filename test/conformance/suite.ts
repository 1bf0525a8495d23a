// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned) and the Node 22
// it needs (the npm package `node@22`, as `npx -p node@22` would use), installed once into
// .cache/conformance/ and reused: later runs start it straight from there, without npm or the
// network (scripts/cache-install.mjs).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { installIntoCache } from "../../scripts/cache-install.mjs";

const run = promisify(execFile);

export const CONFORMANCE_PACKAGE = "@modelcontextprotocol/conformance@0.1.16";
const NODE_PACKAGE = "node@22";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cacheDir = join(root, ".cache", "conformance", CONFORMANCE_PACKAGE.replace(/[@/]/g, "_"));

export interface ConformanceSuite {
  /** Node 22 binary. */
  node: string;
  /** The suite's CLI entry point (run with `node`). */
  cli: string;
}

function paths(dir: string): ConformanceSuite {
  return {
    node: join(dir, "node_modules", "node", "bin", "node"),
    cli: join(dir, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js"),
  };
}

async function usable(suite: ConformanceSuite): Promise<boolean> {
  if (!existsSync(suite.node) || !existsSync(suite.cli)) return false;
  try {
    const { stdout } = await run(suite.node, ["--version"], { timeout: 10_000 });
    return stdout.startsWith("v22.");
  } catch {
    return false;
  }
}

/** The installed suite, or why it could not be obtained. */
export async function obtainConformanceSuite(): Promise<ConformanceSuite | { missing: string }> {
  try {
    return paths(await installIntoCache(cacheDir, [NODE_PACKAGE, CONFORMANCE_PACKAGE], (dir) => usable(paths(dir))));
  } catch (err) {
    const e = err as { message?: string; stderr?: string };
    return { missing: `${CONFORMANCE_PACKAGE} with ${NODE_PACKAGE}: ${(e.stderr || e.message || String(err)).trim()}` };
  }
}

export interface ScenarioResult {
  scenario: string;
  exitCode: number | null;
  /** The suite's checks.json for the scenario ([] when it wrote none). */
  checks: { id: string; status: string; errorMessage?: string }[];
  output: string;
}

/** `conformance list --server`: the server scenario names. */
export async function listServerScenarios(suite: ConformanceSuite): Promise<string[]> {
  const { stdout } = await run(suite.node, [suite.cli, "list", "--server"], { timeout: 60_000 });
  return [...stdout.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1] as string);
}

/** `conformance server --url <url> --scenario <scenario>`, with its exit code and checks. */
export async function runServerScenario(
  suite: ConformanceSuite,
  url: string,
  scenario: string,
  outDir: string,
): Promise<ScenarioResult> {
  const dir = join(outDir, scenario);
  let exitCode: number | null = 0;
  let output = "";
  try {
    const r = await run(suite.node, [suite.cli, "server", "--url", url, "--scenario", scenario, "-o", dir], {
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    output = r.stdout + r.stderr;
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    exitCode = typeof e.code === "number" ? e.code : null;
    output = `${e.stdout ?? ""}${e.stderr ?? ""}${exitCode === null ? e.message : ""}`;
  }
  const runs = existsSync(dir) ? readdirSync(dir).filter((d) => d.startsWith(`server-${scenario}-`)) : [];
  const checksFile = runs.length === 1 ? join(dir, runs[0] as string, "checks.json") : undefined;
  const checks = checksFile && existsSync(checksFile) ? JSON.parse(readFileSync(checksFile, "utf8")) : [];
  return { scenario, exitCode, checks, output };
}
