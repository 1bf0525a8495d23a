// meshctl scaffold run from this checkout (our packages are not on npm at this version), into a
// folder outside the repository: it says so and packs the local packages into the project, whose
// `npm install` then works with nothing from the workspace; `npm start` runs the agent with the
// project's own meshctl, `npm run meshctl -- call` reaches its tool, Ctrl-C leaves nothing.
// On the oldest Node.js we promise, like own-project.test.ts.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { interrupt, type Running, run, start, until, userEnv } from "../support/process-group.js";
import { INSTALL_TIMEOUT_MS, minimumNodeBin, ROOT } from "./project.js";

const MESHCTL = join(ROOT, "packages", "cli", "bin", "meshctl.js");
const VERSION = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")).version as string;

describe("meshctl scaffold from a checkout, outside the repository", () => {
  let work = "";
  let nodeBin = "";
  let agent: Running | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "mesh-scaffold-"));
    nodeBin = await minimumNodeBin();
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    if (agent) await interrupt(agent, 30_000).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  });

  it(
    "wires the project to packed local packages: npm install, typecheck, npm start and a call work",
    async () => {
      const project = join(work, "weather");
      const registry = `http://127.0.0.1:${await freePort()}`;
      const env = userEnv(
        { MCP_MESH_HOME: join(work, "mesh-home"), MCP_MESH_REGISTRY_URL: registry },
        { path: nodeBin },
      );

      const made = await run("node", [MESHCTL, "scaffold", "weather", "-o", project], work, env, 120_000);
      expect(made.code, made.output).toBe(0);
      expect(made.output).toMatch(/runs from a checkout .*packed into mcp-mesh-packages\//);
      const tarballs = readdirSync(join(project, "mcp-mesh-packages")).sort();
      expect(tarballs).toEqual(["cli", "protocol", "registry", "sdk"].map((p) => `mcp-mesh-${p}-${VERSION}.tgz`));
      const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
      expect(pkg.dependencies["@mcp-mesh/sdk"]).toBe(`file:mcp-mesh-packages/mcp-mesh-sdk-${VERSION}.tgz`);

      const install = await run(
        "npm",
        ["install", "--no-audit", "--no-fund", "--prefer-offline"],
        project,
        env,
        INSTALL_TIMEOUT_MS,
      );
      expect(install.code, install.output).toBe(0);
      expect(install.output).not.toMatch(/EBADENGINE|ERESOLVE/);
      // A real install, not links into the checkout.
      expect(existsSync(join(project, "node_modules", "@mcp-mesh", "sdk", "dist", "index.js"))).toBe(true);
      expect(readFileSync(join(project, "node_modules", ".bin", "meshctl"), "utf8")).toContain("#!/usr/bin/env node");

      const tsc = await run("npm", ["run", "--silent", "typecheck"], project, env, 120_000);
      expect(tsc.code, tsc.output).toBe(0);

      agent = start("npm", ["start"], project, env);
      const a = agent;
      await until(() => (/mesh ready/.test(a.output()) ? true : undefined), 60_000, "'mesh ready'", a.output);
      // Its hints run the project's meshctl through its script, never npx.
      await until(() => (/Ctrl-C stops it/.test(a.output()) ? true : undefined), 10_000, "the lines to try", a.output);
      expect(a.output()).toContain("npm run meshctl -- list");
      expect(a.output()).not.toContain("npx meshctl");
      const call = await run(
        "npm",
        ["run", "--silent", "meshctl", "--", "call", "weather_hello", '{"who": "Ada"}'],
        project,
        env,
        60_000,
      );
      expect(call.code, `${call.output}\n--- npm start\n${a.output()}`).toBe(0);
      expect(call.output.trim()).toBe("Hello Ada, from weather!");
      await interrupt(a, 30_000);
      agent = undefined;
    },
    2 * INSTALL_TIMEOUT_MS + 240_000,
  );
});
