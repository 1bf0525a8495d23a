// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned) and the Node 22
// it needs (the npm package `node@22`, as `npx -p node@22` would use), installed once into
// .cache/conformance/ and reused: later runs start it straight from there, without npm or the
// network. A partial install never counts: it happens in a temp directory renamed into place.
import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

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
  const cached = paths(cacheDir);
  if (await usable(cached)) return cached;
  mkdirSync(dirname(cacheDir), { recursive: true });
  const staging = mkdtempSync(`${cacheDir}.tmp-`);
  try {
    writeFileSync(join(staging, "package.json"), '{ "private": true }\n');
    await run(
      "npm",
      [
        "install",
        "--prefix",
        staging,
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        NODE_PACKAGE,
        CONFORMANCE_PACKAGE,
      ],
      { cwd: staging, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
    );
    if (!(await usable(paths(staging))))
      return { missing: `${CONFORMANCE_PACKAGE} with ${NODE_PACKAGE}: install incomplete` };
    rmSync(cacheDir, { recursive: true, force: true });
    renameSync(staging, cacheDir);
    return cached;
  } catch (err) {
    const e = err as { message?: string; stderr?: string };
    return { missing: `${CONFORMANCE_PACKAGE} with ${NODE_PACKAGE}: ${(e.stderr || e.message || String(err)).trim()}` };
  } finally {
    rmSync(staging, { recursive: true, force: true });
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
