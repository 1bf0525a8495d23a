// The path a user takes: our packages packed as npm publishes them, installed into a fresh npm
// project in a temp folder outside this repository (tarballs + zod, nothing from the workspace),
// on the oldest Node.js we promise. A provider and a consumer agent written there, type-checked
// with tsc against the installed types, started with the installed meshctl
// (node_modules/.bin/meshctl, never `npx meshctl`: that name on npm is not ours), one call
// through the mesh, the version every part reports, then Ctrl-C and nothing left running.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { interrupt, type Running, run, start, until, userEnv } from "../support/process-group.js";
import {
  INSTALL_TIMEOUT_MS,
  lockVersion,
  minimumNode,
  minimumNodeBin,
  packAll,
  ROOT,
  writeProjectJson,
} from "./project.js";

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const VERSION = JSON.parse(readFileSync(join(ROOT, "packages/cli/package.json"), "utf8")).version as string;

const PROVIDER = `import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "adder", description: "Adds numbers" });

agent.tool({
  name: "add",
  capability: "math.add",
  input: { a: z.number(), b: z.number() },
  handler: ({ a, b }) => a + b,
});

agent.tool({ name: "adder_node", capability: "adder.node", handler: () => process.version });
`;

const CONSUMER = `import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "calculator" });

agent.tool({
  name: "sum_of_three",
  capability: "math.sum3",
  input: { a: z.number(), b: z.number(), c: z.number() },
  dependencies: { add: { capability: "math.add", required: true } },
  async handler({ a, b, c }, { add }) {
    const ab = Number(await add({ a, b }));
    return Number(await add({ a: ab, b: c }));
  },
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2023",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    types: ["node"],
  },
  include: ["*.ts"],
};

describe("MCP Mesh in a user's own project, installed from packed tarballs", () => {
  let work = "";
  let nodeBin = "";
  let tarballs: Record<string, string> = {};
  let mesh: Running | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "mesh-own-project-"));
    [nodeBin, tarballs] = await Promise.all([minimumNodeBin(), packAll(work)]);
  }, INSTALL_TIMEOUT_MS);

  afterAll(async () => {
    if (mesh) await interrupt(mesh, STOP_TIMEOUT_MS).catch(() => {});
    rmSync(work, { recursive: true, force: true });
  });

  it(
    "npm install the tarballs + zod: no EBADENGINE; a provider and a consumer type-check, start with meshctl and answer through the mesh",
    async () => {
      const project = join(work, "my-mesh");
      mkdirSync(project);
      writeProjectJson(project, "my-mesh");
      const env = userEnv({ MCP_MESH_HOME: join(work, "mesh-home") }, { path: nodeBin });

      const node = await run("node", ["--version"], project, env, 10_000);
      expect(node.output.trim()).toBe(`v${minimumNode()}`);

      const t0 = Date.now();
      const ours = ["@mcp-mesh/protocol", "@mcp-mesh/registry", "@mcp-mesh/sdk", "@mcp-mesh/cli"];
      const npmArgs = ["install", "--no-audit", "--no-fund", "--prefer-offline"];
      const install = await run(
        "npm",
        [...npmArgs, ...ours.map((n) => tarballs[n] as string), `zod@${lockVersion("zod")}`],
        project,
        env,
        INSTALL_TIMEOUT_MS,
      );
      expect(install.code, install.output).toBe(0);
      expect(install.output).not.toMatch(/EBADENGINE|ERESOLVE/);
      const dev = await run(
        "npm",
        [...npmArgs, "-D", `typescript@${lockVersion("typescript")}`, `@types/node@${lockVersion("@types/node")}`],
        project,
        env,
        INSTALL_TIMEOUT_MS,
      );
      expect(dev.code, dev.output).toBe(0);

      const t1 = Date.now();
      writeFileSync(join(project, "provider.ts"), PROVIDER);
      writeFileSync(join(project, "consumer.ts"), CONSUMER);
      writeFileSync(join(project, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
      const tsc = await run("npm", ["run", "--silent", "typecheck"], project, env, 120_000);
      expect(tsc.code, tsc.output).toBe(0);

      const t2 = Date.now();
      const meshctl = join(project, "node_modules", ".bin", "meshctl");
      const version = await run(meshctl, ["--version"], project, env, 30_000);
      expect(version.output).toContain(`meshctl ${VERSION} `);

      // Installed from npm (here: from the tarballs, as npm would), scaffold depends on versions.
      const scaffold = await run(meshctl, ["scaffold", "weather", "--dry-run"], project, env, 30_000);
      expect(scaffold.code, scaffold.output).toBe(0);
      expect(scaffold.output).toContain(`"@mcp-mesh/sdk": "^${VERSION}"`);
      expect(scaffold.output).toContain(`"@mcp-mesh/cli": "^${VERSION}"`);
      expect(scaffold.output).not.toMatch(/checkout|file:/);

      const registry = `http://127.0.0.1:${await freePort()}`;
      mesh = start(
        meshctl,
        ["start", "provider.ts", "consumer.ts", "--registry-url", registry, "--db-path", ":memory:"],
        project,
        env,
      );
      const m = mesh;
      await until(() => (/mesh ready/.test(m.output()) ? true : undefined), READY_TIMEOUT_MS, "'mesh ready'", m.output);

      const t3 = Date.now();
      const call = await run(
        meshctl,
        ["call", "sum_of_three", '{"a": 1, "b": 2, "c": 39}', "--registry-url", registry],
        project,
        env,
        60_000,
      );
      expect(call.code, `${call.output}\n--- meshctl start\n${m.output()}`).toBe(0);
      expect(call.output.trim()).toBe("42");
      const onNode = await run(meshctl, ["call", "adder_node", "--registry-url", registry], project, env, 60_000);
      expect(onNode.output.trim()).toBe(`v${minimumNode()}`);

      // One version: the installed packages, meshctl, the registry and every agent agree.
      const health = (await (await fetch(`${registry}/health`)).json()) as { version: string };
      expect(health.version).toBe(VERSION);
      const { agents } = (await (await fetch(`${registry}/agents`)).json()) as {
        agents: Array<{ name: string; endpoint: string }>;
      };
      expect(agents.map((a) => a.name).sort()).toEqual(["adder", "calculator"]);
      for (const a of agents) {
        const ready = (await (await fetch(`${a.endpoint}/ready`)).json()) as { mesh_version: string };
        expect(ready.mesh_version, a.name).toBe(VERSION);
      }

      const t4 = Date.now();
      await interrupt(m, STOP_TIMEOUT_MS);
      mesh = undefined;
      const s = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
      console.log(
        `own project on Node ${minimumNode()}: npm install ${s(t0, t1)}, tsc ${s(t1, t2)}, meshctl start to ready ${s(t2, t3)}, calls ${s(t3, t4)}, stop ${s(t4, Date.now())}`,
      );
      await expect(fetch(`${registry}/health`)).rejects.toThrow();
    },
    3 * INSTALL_TIMEOUT_MS + READY_TIMEOUT_MS + STOP_TIMEOUT_MS + 60_000,
  );

  it(
    "an agent needs only @mcp-mesh/sdk (+ protocol) and zod; its testing helpers say what to add for a registry",
    async () => {
      const project = join(work, "sdk-only");
      mkdirSync(project);
      writeProjectJson(project, "sdk-only");
      const env = userEnv({}, { path: nodeBin });
      const install = await run(
        "npm",
        [
          "install",
          "--no-audit",
          "--no-fund",
          "--prefer-offline",
          tarballs["@mcp-mesh/protocol"] as string,
          tarballs["@mcp-mesh/sdk"] as string,
          `zod@${lockVersion("zod")}`,
        ],
        project,
        env,
        INSTALL_TIMEOUT_MS,
      );
      expect(install.code, install.output).toBe(0);
      expect(install.output).not.toMatch(/EBADENGINE|ERESOLVE/);
      const ls = await run("npm", ["ls", "fastify", "libsql", "--all", "--parseable"], project, env, 60_000);
      expect(ls.output.trim()).toBe("");

      const script = `import { createTestMesh } from "@mcp-mesh/sdk/testing";
try { await createTestMesh(); console.log("started?"); } catch (e) { console.log(e.code + ": " + e.message); }`;
      writeFileSync(join(project, "check.mjs"), script);
      const r = await run("node", ["check.mjs"], project, env, 30_000);
      expect(r.output).toMatch(/^config_invalid: @mcp-mesh\/sdk\/testing .*npm install --save-dev @mcp-mesh\/registry/);
      expect(r.output).not.toMatch(/\n\s+at /);

      // Without the registry, a mesh with { registry: false } still works: agents, standalone.
      const standalone = `import { createTestMesh } from "@mcp-mesh/sdk/testing";
import { z } from "zod";
const mesh = await createTestMesh({ registry: false });
const a = mesh.agent({ name: "solo" });
a.tool({ name: "twice", capability: "twice", input: { n: z.number() }, handler: ({ n }) => 2 * n });
await mesh.start();
console.log(await mesh.call(a, "twice", { n: 21 }));
await mesh.close();`;
      writeFileSync(join(project, "standalone.mjs"), standalone);
      const s = await run("node", ["standalone.mjs"], project, env, 30_000);
      expect(s.output.trim(), s.output).toBe("42");
    },
    INSTALL_TIMEOUT_MS + 120_000,
  );
});
