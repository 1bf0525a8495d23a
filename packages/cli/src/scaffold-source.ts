// Where a scaffolded project gets @mcp-mesh/sdk and @mcp-mesh/cli from. meshctl installed from
// npm (it sits in a node_modules folder): from the npm registry, at meshctl's own version. meshctl
// run from a checkout of this repository: those versions may not be published, so the local
// packages are packed (as `npm publish` would) into the project and it depends on the tarballs.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ErrorCodes, MeshError } from "./errors.js";
import type { MeshPackageSpecs } from "./scaffold-files.js";
import { VERSION } from "./version.js";

/** Our packages a project needs: the SDK (and protocol, its dependency) to run, meshctl (and the
 *  registry it embeds) to develop. */
export const LOCAL_PACKAGES = ["protocol", "sdk", "registry", "cli"] as const;

export type PackageSource = { kind: "npm"; version: string } | { kind: "checkout"; root: string };

const CLI_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A checkout: this package is not inside node_modules and two levels up is our workspace root. */
export function packageSource(cliRoot: string = CLI_ROOT): PackageSource {
  const root = join(cliRoot, "..", "..");
  if (!cliRoot.split(sep).includes("node_modules") && existsSync(join(root, "package.json"))) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { workspaces?: string[] };
      if (pkg.workspaces?.includes("packages/cli")) return { kind: "checkout", root };
    } catch {
      // not ours: treat as installed
    }
  }
  return { kind: "npm", version: VERSION };
}

/** The folder of a scaffolded project that holds the tarballs packed from a checkout. */
export const LOCAL_PACKAGES_DIR = "mcp-mesh-packages";

/** The `file:` specs of the tarballs packLocalPackages writes (npm's names: @a/b@1.0.0 -> a-b-1.0.0.tgz). */
export function localPackageSpecs(version: string = VERSION): MeshPackageSpecs {
  const spec = (dir: string) => `file:${LOCAL_PACKAGES_DIR}/mcp-mesh-${dir}-${version}.tgz`;
  return {
    "@mcp-mesh/protocol": spec("protocol"),
    "@mcp-mesh/sdk": spec("sdk"),
    "@mcp-mesh/registry": spec("registry"),
    "@mcp-mesh/cli": spec("cli"),
  };
}

/** Packs the checkout's packages into <project>/mcp-mesh-packages/ (the files localPackageSpecs names). */
export async function packLocalPackages(root: string, project: string): Promise<string[]> {
  const dest = join(project, LOCAL_PACKAGES_DIR);
  mkdirSync(dest, { recursive: true });
  const args = ["pack", "--json", "--ignore-scripts", "--pack-destination", dest];
  for (const dir of LOCAL_PACKAGES) args.push("-w", `packages/${dir}`);
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)("npm", args, { cwd: root, timeout: 120_000, maxBuffer: 16 << 20 }));
  } catch (e) {
    const why = ((e as { stderr?: string }).stderr || (e as Error).message).trim().split("\n").slice(-3).join(" ");
    throw new MeshError(
      ErrorCodes.START_FAILED,
      `could not pack the local packages of ${root} (npm pack: ${why}): run 'npm run build' there, then scaffold again`,
    );
  }
  const packed = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ filename: string }>;
  return packed.map((p) => `${LOCAL_PACKAGES_DIR}/${p.filename}`);
}
