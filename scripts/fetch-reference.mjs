#!/usr/bin/env node
// Makes the reference MCP Mesh 3.7.1 binaries (Go registry, meshctl, meshui) available under
// .cache/reference/bin/ for the interop tests. They are published on npm as
// @mcpmesh/cli-linux-x64@3.7.1; `npm pack` fetches the tarball without installing anything.
// Idempotent: when all three binaries are present and meshctl answers --version, it is a no-op.
// Keep the paths in sync with test/interop/reference.ts.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const PKG = "@mcpmesh/cli-linux-x64@3.7.1";
const BINARIES = ["mcp-mesh-registry", "meshctl", "meshui"];
const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const cacheDir = join(root, ".cache", "reference");
const binDir = join(cacheDir, "bin");

function fail(message) {
  console.error(`fetch-reference: ${message}`);
  process.exit(1);
}

// A binary counts as present when it is a non-trivial executable file (guards against a
// truncated extraction); meshctl must additionally run.
function installedVersion() {
  for (const name of BINARIES) {
    const file = join(binDir, name);
    if (!existsSync(file) || statSync(file).size < 1_000_000) return null;
  }
  try {
    return execFileSync(join(binDir, "meshctl"), ["--version"], { encoding: "utf8", timeout: 10_000 })
      .trim()
      .split("\n")[0];
  } catch {
    return null;
  }
}

if (process.platform !== "linux" || process.arch !== "x64") {
  fail(`reference binaries exist only for linux-x64 (this is ${process.platform}-${process.arch})`);
}

let version = installedVersion();
if (version) {
  console.log(`fetch-reference: ${PKG} already present in ${binDir} (${version})`);
  process.exit(0);
}

mkdirSync(cacheDir, { recursive: true });
try {
  execFileSync("npm", ["pack", PKG, "--pack-destination", cacheDir, "--silent"], {
    cwd: cacheDir,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 300_000,
  });
} catch (err) {
  fail(`'npm pack ${PKG}' failed: ${err.stderr?.toString().trim() || err.message}`);
}
const tarball = readdirSync(cacheDir).find((f) => /^mcpmesh-cli-linux-x64-3\.7\.1\.tgz$/.test(f));
if (!tarball) fail(`npm pack succeeded but no tarball found in ${cacheDir}`);

// The tarball holds package/bin/<name>; strip "package/" so binaries land in .cache/reference/bin.
rmSync(binDir, { recursive: true, force: true });
try {
  execFileSync("tar", ["-xzf", join(cacheDir, tarball), "-C", cacheDir, "--strip-components=1"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
} catch (err) {
  fail(`extracting ${tarball} failed: ${err.stderr?.toString().trim() || err.message}`);
}
for (const name of BINARIES) {
  const file = join(binDir, name);
  if (!existsSync(file)) fail(`${tarball} does not contain bin/${name}`);
  chmodSync(file, 0o755);
}
rmSync(join(cacheDir, tarball), { force: true });

version = installedVersion();
if (!version) fail(`binaries extracted to ${binDir} but 'meshctl --version' does not run`);
console.log(`fetch-reference: installed ${PKG} into ${binDir} (${version})`);
