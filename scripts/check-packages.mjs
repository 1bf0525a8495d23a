// Checks what a user installing our packages gets (run by `npm test` after the build):
// - every package an installed file imports is declared (dependencies or peerDependencies);
//   a missing one works inside this repo (hoisting) and fails in a user's project;
// - every package has the same version, and depends on its siblings at exactly that version,
//   so the registry, the agents and meshctl report one version (read from packages/protocol);
// - publint finds no error or warning in the packed package (exports, files, types, bin), and
//   Are the Types Wrong finds every entry point's types for ESM consumers (node16 and bundler
//   resolution; we ship ESM only, so CommonJS and node10 resolution are out of scope);
// - nothing in package-lock.json declares engines that exclude our minimum Node.js (npm would
//   warn EBADENGINE on it; test/own-project checks what a user's install gets).
// Exits 1 with every problem listed.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import semver from "semver";
import ts from "typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
export const PACKAGES = ["protocol", "registry", "sdk", "cli"].map((dir) => join(root, "packages", dir));

const builtins = new Set(builtinModules);

/** The package a bare specifier names: "@scope/name/sub" -> "@scope/name", "pino/file" -> "pino". */
export function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function shippedFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      // The registry bundle is generated from dist/main.js, whose imports are checked.
      else if (/\.(m?js|d\.ts)$/.test(name) && !name.endsWith(".bundle.mjs")) out.push(p);
    }
  };
  for (const sub of ["dist", "bin"]) {
    try {
      walk(join(dir, sub));
    } catch {
      // a package without bin/
    }
  }
  return out;
}

/** Bare imports of a package's shipped files that its package.json does not declare. */
export function undeclaredImports(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const declared = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
    ...Object.keys(pkg.optionalDependencies ?? {}),
  ]);
  const problems = [];
  for (const file of shippedFiles(dir)) {
    // TypeScript's scanner, not a regex: an import inside a string (the scaffold's template) is text.
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    for (const { fileName: spec } of importedFiles) {
      if (
        spec.startsWith(".") ||
        spec.startsWith("/") ||
        spec.startsWith("node:") ||
        builtins.has(spec) ||
        declared.has(packageOf(spec))
      )
        continue;
      problems.push(`${pkg.name}: ${relative(dir, file)} imports '${spec}', not in dependencies or peerDependencies`);
    }
  }
  return problems;
}

const RELEASE_TS = join(root, "packages/protocol/src/release.ts");

/** The version written in packages/protocol/src/release.ts (MESH_VERSION). */
export function releaseVersion() {
  const m = /MESH_VERSION = "([^"]+)"/.exec(readFileSync(RELEASE_TS, "utf8"));
  if (!m) throw new Error(`${RELEASE_TS}: no MESH_VERSION = "..."`);
  return m[1];
}

/** Every package at MESH_VERSION; sibling dependencies at exactly that version. */
export function versionProblems(dirs, version = releaseVersion()) {
  const pkgs = dirs.map((d) => JSON.parse(readFileSync(join(d, "package.json"), "utf8")));
  const names = new Set(pkgs.map((p) => p.name));
  const problems = [];
  for (const p of pkgs) {
    if (p.version !== version)
      problems.push(`${p.name} is at ${p.version}, MESH_VERSION (protocol/src/release.ts) is ${version}`);
    for (const field of ["dependencies", "peerDependencies", "devDependencies"]) {
      for (const [dep, range] of Object.entries(p[field] ?? {})) {
        if (names.has(dep) && range !== version) {
          problems.push(`${p.name} ${field}: ${dep}@${range}, expected exactly ${version} (one version for all)`);
        }
      }
    }
  }
  return problems;
}

/** Locked packages whose engines.node the oldest Node.js of our root engines does not satisfy. */
export function engineProblems() {
  const range = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines.node;
  const oldest = semver.minVersion(range).version;
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));
  const problems = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const wants = p.engines?.node;
    if (path && wants && !semver.satisfies(oldest, wants)) {
      problems.push(
        `${path}@${p.version} wants Node ${wants}; we promise ${range} (npm warns EBADENGINE on ${oldest})`,
      );
    }
  }
  return problems;
}

async function publintProblems(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const { messages } = await publint({ pkgDir: dir, level: "suggestion", strict: true, pack: "npm" });
  return messages.map((m) => `${pkg.name}: publint ${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
}

async function typesProblems(dir) {
  const attw = join(root, "node_modules", ".bin", "attw");
  try {
    await promisify(execFile)(attw, ["--pack", dir, "--profile", "esm-only", "--format", "ascii"], {
      cwd: root,
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    return [];
  } catch (e) {
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}`.trim() || e.message;
    return [`${relative(root, dir)}: attw (Are the Types Wrong) found problems:\n${output}`];
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = [...versionProblems(PACKAGES), ...engineProblems()];
  const types = Promise.all(PACKAGES.map(typesProblems)); // four npm packs at once
  for (const dir of PACKAGES) problems.push(...undeclaredImports(dir), ...(await publintProblems(dir)));
  problems.push(...(await types).flat());
  if (problems.length > 0) {
    process.stderr.write(
      `check-packages: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    `check-packages: ${PACKAGES.length} packages OK (imports declared, one version, publint, attw, lockfile engines)\n`,
  );
}
