import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { npmPackageSpecs, scaffoldFiles } from "./scaffold-files.js";
import { localPackageSpecs, packageSource } from "./scaffold-source.js";
import { VERSION } from "./version.js";

const CLI_ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("where a scaffolded project gets our packages", () => {
  it("from npm at meshctl's version when meshctl is installed (in node_modules)", () => {
    const installed = join(CLI_ROOT, "..", "..", "node_modules", "@mcp-mesh", "cli");
    expect(packageSource(installed)).toEqual({ kind: "npm", version: VERSION });
    expect(packageSource("/nowhere/at/all")).toEqual({ kind: "npm", version: VERSION });
  });

  it("from this checkout when meshctl runs from one", () => {
    expect(packageSource(CLI_ROOT)).toEqual({ kind: "checkout", root: join(CLI_ROOT, "..", "..") });
  });

  it("writes npm versions or the packed tarballs into package.json", () => {
    const pkg = (meshPackages: ReturnType<typeof npmPackageSpecs>) =>
      JSON.parse(scaffoldFiles({ name: "w", port: 0, description: "d", meshPackages })["package.json"] as string);
    const fromNpm = pkg(npmPackageSpecs("1.2.3"));
    expect(fromNpm.dependencies).toEqual({ "@mcp-mesh/sdk": "^1.2.3", zod: "^4.2.0" });
    expect(fromNpm.devDependencies["@mcp-mesh/cli"]).toBe("^1.2.3");
    expect(fromNpm.devDependencies["@mcp-mesh/registry"]).toBeUndefined();
    const local = pkg(localPackageSpecs("1.2.3"));
    expect(local.dependencies["@mcp-mesh/sdk"]).toBe("file:mcp-mesh-packages/mcp-mesh-sdk-1.2.3.tgz");
    expect(local.dependencies["@mcp-mesh/protocol"]).toBe("file:mcp-mesh-packages/mcp-mesh-protocol-1.2.3.tgz");
    expect(local.devDependencies["@mcp-mesh/cli"]).toBe("file:mcp-mesh-packages/mcp-mesh-cli-1.2.3.tgz");
    expect(local.devDependencies["@mcp-mesh/registry"]).toBe("file:mcp-mesh-packages/mcp-mesh-registry-1.2.3.tgz");
    // Never `npx meshctl`: the scripts run the project's own meshctl.
    expect(Object.values(fromNpm.scripts).join(" ")).not.toContain("npx");
  });
});
