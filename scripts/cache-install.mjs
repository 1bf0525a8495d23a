// Installs npm packages once into a folder under .cache/ and reuses them on later runs (tools a
// test or benchmark needs but the project does not depend on: the MCP conformance suite, the
// plain official-SDK server the SDK benchmark compares with). A partial install never counts:
// it happens in a temp folder that is renamed into place only once `usable` accepts it.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * @param {string} dir where the packages live once installed
 * @param {string[]} packages npm specs, e.g. ["node@22", "@modelcontextprotocol/conformance@0.1.16"]
 * @param {(dir: string) => boolean | Promise<boolean>} usable whether an install in `dir` works
 * @returns {Promise<string>} `dir`
 */
export async function installIntoCache(dir, packages, usable) {
  if (await usable(dir)) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.tmp-`);
  try {
    writeFileSync(join(staging, "package.json"), '{ "private": true }\n');
    await run("npm", ["install", "--prefix", staging, "--no-audit", "--no-fund", "--loglevel=error", ...packages], {
      cwd: staging,
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (!(await usable(staging))) throw new Error(`${packages.join(", ")}: install incomplete`);
    // Two test files may fill the same cache at once: the one that finishes second keeps the
    // first one's folder (which may be in use already) instead of deleting it.
    if (await usable(dir)) return dir;
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (e) {
      if (!(await usable(dir))) throw e;
    }
    return dir;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
