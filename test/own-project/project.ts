// A user's own project, outside this repository: our packages packed as npm would publish them,
// installed into a fresh npm project in a temp folder, on the oldest Node.js we support.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { installIntoCache } from "../../scripts/cache-install.mjs";
import { run, userEnv } from "../support/process-group.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PACKAGE_DIRS = ["protocol", "registry", "sdk", "cli"] as const;
export const INSTALL_TIMEOUT_MS = 4 * 60_000;

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8"));
const lock = readJson(join(ROOT, "package-lock.json")) as { packages: Record<string, { version?: string }> };

/** The version this repository's lockfile installs of `name` (the one its tests ran with). */
export function lockVersion(name: string): string {
  const v = lock.packages[`node_modules/${name}`]?.version;
  if (!v) throw new Error(`${name} is not in package-lock.json`);
  return v;
}

/**
 * Our packages' own third-party dependencies at the lockfile's versions, as npm `overrides`:
 * the run does not change when upstream publishes, and npm finds them in its cache (npm ci put
 * them there), so a repeated run installs without downloading.
 */
export function pinnedDependencies(): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const dir of PACKAGE_DIRS) {
    const pkg = readJson(join(ROOT, "packages", dir, "package.json"));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      if (!name.startsWith("@mcp-mesh/") && name !== "zod") pins[name] = lockVersion(name);
    }
  }
  return pins;
}

/** The oldest Node.js the README and every package.json promise ("engines": ">=20.19" -> 20.19.0). */
export function minimumNode(): string {
  const range = readJson(join(ROOT, "package.json")).engines.node as string;
  const min = semver.minVersion(range)?.version;
  if (!min) throw new Error(`package.json engines.node '${range}' has no minimum`);
  return min;
}

/**
 * A folder whose `node` is that oldest version (npm's `node` package, cached under .cache/), to
 * put first on PATH: npm then checks engines against it, and meshctl and its agents run on it.
 */
export async function minimumNodeBin(): Promise<string> {
  const version = minimumNode();
  const dir = join(ROOT, ".cache", `node-${version}`);
  const bin = (d: string) => join(d, "node_modules", "node", "bin");
  const usable = (d: string) => {
    const node = join(bin(d), "node");
    if (!existsSync(node)) return false;
    try {
      return execFileSync(node, ["--version"], { encoding: "utf8" }).trim() === `v${version}`;
    } catch {
      return false;
    }
  };
  return bin(await installIntoCache(dir, [`node@${version}`], usable));
}

/** Packs our packages as `npm publish` would (needs `npm run build` first); tarball paths by name. */
export async function packAll(dest: string): Promise<Record<string, string>> {
  for (const dir of PACKAGE_DIRS) {
    if (!existsSync(join(ROOT, "packages", dir, "dist", "index.js"))) {
      throw new Error(`packages/${dir} is not built: run npm run build first`);
    }
  }
  const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", dest];
  for (const dir of PACKAGE_DIRS) args.push("-w", `packages/${dir}`);
  const r = await run("npm", args, ROOT, userEnv({}), 120_000);
  if (r.code !== 0) throw new Error(`npm pack failed:\n${r.output}`);
  const packed = JSON.parse(r.output.slice(r.output.indexOf("["))) as Array<{ name: string; filename: string }>;
  return Object.fromEntries(packed.map((p) => [p.name, join(dest, p.filename)]));
}

/** Writes a fresh project's package.json (ESM, the scripts our docs recommend). */
export function writeProjectJson(dir: string, name: string): void {
  const pkg = {
    name,
    version: "1.0.0",
    private: true,
    type: "module",
    scripts: { start: "meshctl start provider.ts consumer.ts", typecheck: "tsc --noEmit" },
    overrides: pinnedDependencies(),
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
}
