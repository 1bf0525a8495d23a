// node scripts/set-version.mjs X.Y.Z: moves MCP Mesh for TypeScript to one new version at once:
// MESH_VERSION in packages/protocol/src/release.ts, every package's version, and every sibling
// dependency (exact). Then `npm install` updates the lockfile.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { PACKAGES } from "./check-packages.mjs";

const [version] = process.argv.slice(2);
if (!version || !semver.valid(version)) {
  process.stderr.write("usage: node scripts/set-version.mjs X.Y.Z (a semver version)\n");
  process.exit(2);
}
const release = new URL("../packages/protocol/src/release.ts", import.meta.url);
writeFileSync(release, readFileSync(release, "utf8").replace(/MESH_VERSION = "[^"]+"/, `MESH_VERSION = "${version}"`));
for (const dir of PACKAGES) {
  const file = join(dir, "package.json");
  const pkg = JSON.parse(readFileSync(file, "utf8"));
  pkg.version = version;
  for (const field of ["dependencies", "peerDependencies", "devDependencies"]) {
    for (const dep of Object.keys(pkg[field] ?? {})) if (dep.startsWith("@mcp-mesh/")) pkg[field][dep] = version;
  }
  writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
}
process.stdout.write(`MCP Mesh for TypeScript is now ${version}; run npm install to update the lockfile\n`);
