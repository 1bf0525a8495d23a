#!/usr/bin/env node
// Makes the reference Python runtime (PyPI mcp-mesh 3.7.1, the version of the reference binaries
// fetched by fetch-reference.mjs) available in a virtualenv under .cache/python/venv for the
// mixed Python/TypeScript tests (test/python/). Every package is pinned in
// scripts/python-requirements.txt. Idempotent: a venv whose stamp matches the requirements file
// and the interpreter is reused without touching the network (well under a second).
// Keep the paths in sync with test/python/python-env.ts.
// PYTHON=/path/to/python3.11 chooses the interpreter (default: python3.11, then python3).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const MIN_PYTHON = [3, 11];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const requirements = join(root, "scripts", "python-requirements.txt");
const venv = join(root, ".cache", "python", "venv");
const venvPython = join(venv, "bin", "python");
const stampFile = join(venv, ".mcp-mesh-stamp");

function fail(message) {
  console.error(`fetch-python: ${message}`);
  process.exit(1);
}

function run(file, args, timeout = 60_000) {
  return execFileSync(file, args, { encoding: "utf8", timeout, stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The first interpreter that runs and is new enough, as [path, "3.11.7"]. */
function findPython() {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ["python3.11", "python3"];
  const tried = [];
  for (const candidate of candidates) {
    let version;
    try {
      version = run(candidate, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], 10_000);
    } catch {
      tried.push(`${candidate}: not found`);
      continue;
    }
    const [major, minor] = version.split(".").map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return [candidate, version];
    tried.push(`${candidate}: ${version} is older than ${MIN_PYTHON.join(".")}`);
  }
  fail(`no Python >= ${MIN_PYTHON.join(".")} (${tried.join("; ")}); set PYTHON to one`);
}

const [python, pythonVersion] = findPython();
const wanted = `${createHash("sha256").update(readFileSync(requirements)).digest("hex")} python ${pythonVersion}\n`;

if (existsSync(venvPython) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === wanted) {
  console.log(`fetch-python: mcp-mesh 3.7.1 already installed in ${venv} (Python ${pythonVersion})`);
  process.exit(0);
}

// Anything else (no venv, an interrupted install, other pins, another Python) starts from scratch:
// the stamp is written last, so a venv without one is never trusted.
rmSync(venv, { recursive: true, force: true });
mkdirSync(dirname(venv), { recursive: true });
try {
  run(python, ["-m", "venv", venv], 120_000);
} catch (err) {
  fail(`'${python} -m venv' failed (Debian needs python3-venv): ${err.stderr?.toString().trim() || err.message}`);
}
console.log(`fetch-python: installing mcp-mesh 3.7.1 into ${venv} (Python ${pythonVersion}) ...`);
try {
  run(
    venvPython,
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "-r", requirements],
    900_000,
  );
} catch (err) {
  rmSync(venv, { recursive: true, force: true });
  fail(`pip install -r ${requirements} failed: ${err.stderr?.toString().trim() || err.message}`);
}
let installed;
try {
  installed = run(venvPython, [
    "-c",
    "from importlib.metadata import version as v; print(v('mcp-mesh'), v('mcp-mesh-core'), v('fastmcp'))",
  ]);
} catch (err) {
  fail(`the venv does not answer: ${err.stderr?.toString().trim() || err.message}`);
}
if (!installed.startsWith("3.7.1 3.7.1 ")) fail(`expected mcp-mesh 3.7.1 and mcp-mesh-core 3.7.1, got ${installed}`);
writeFileSync(stampFile, wanted);
console.log(`fetch-python: installed mcp-mesh, mcp-mesh-core, fastmcp ${installed} into ${venv}`);
