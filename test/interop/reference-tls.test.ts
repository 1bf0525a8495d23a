// Our agents on the REFERENCE registry (mcp-mesh-registry 3.7.1) over mTLS: it trusts the CA of
// `meshctl certs` through its filestore trust backend, our agents register with their client
// certificates and are listed as https://, the reference's /proxy reaches them (it shows its own
// certificate, which our strict agents require), and one calls the other over mTLS. Under
// CI=true a missing reference binary is a failure, never a skip.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseEnv, fixture, meshctl, show, startForeground, waitFor } from "../../packages/cli/test/meshctl-process.js";
import { type AuthRegistry, startAuthRegistry } from "../security/registry-process.js";
import { describeWithPrerequisites } from "./prerequisites.js";
import { missingReferenceBinaries, referenceBinary } from "./reference.js";

describeWithPrerequisites(
  "our agents over mTLS on the reference registry",
  missingReferenceBinaries("mcp-mesh-registry"),
  () => {
    let dir: string;
    let certs: string;
    let reg: AuthRegistry;
    let client: Agent;
    const agents: Array<Awaited<ReturnType<typeof startForeground>>> = [];
    const tls = (name: string, mode = "strict") => ({
      MCP_MESH_TLS_MODE: mode,
      MCP_MESH_TLS_CA: join(certs, "ca.pem"),
      MCP_MESH_TLS_CERT: join(certs, `${name}.pem`),
      MCP_MESH_TLS_KEY: join(certs, `${name}-key.pem`),
    });

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "mesh-ref-tls-"));
      certs = join(dir, "certs");
      const made = await meshctl(["certs", "date-agent", "greeter", "--dir", certs], baseEnv(dir));
      expect(made.code, show(made)).toBe(0);
      const trust = join(dir, "trust");
      mkdirSync(trust);
      copyFileSync(join(certs, "ca.pem"), join(trust, "dev.pem"));
      const ca = readFileSync(join(certs, "ca.pem"));
      reg = await startAuthRegistry(
        join(dir, "ref.db"),
        {
          ...tls("registry", "auto"),
          HOME: dir,
          MCP_MESH_TRUST_BACKEND: "filestore",
          MCP_MESH_TRUST_DIR: trust,
        },
        { ca, binary: referenceBinary("mcp-mesh-registry") },
      );
      client = new Agent({
        connect: {
          ca,
          cert: readFileSync(join(certs, "meshctl.pem")),
          key: readFileSync(join(certs, "meshctl-key.pem")),
        },
      });
      for (const [file, name] of [
        ["date-agent.ts", "date-agent"],
        ["greeter.ts", "greeter"],
      ] as const)
        agents.push(
          await startForeground([fixture(file)], baseEnv(dir, { ...tls(name), MCP_MESH_REGISTRY_URL: reg.url })),
        );
    }, 120_000);

    afterAll(async () => {
      for (const a of agents) await a.stop();
      await reg?.stop();
      await client?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("lists our agents as https://, reaches them through its /proxy, and they call each other", async () => {
      const res = await request(`${reg.url}/agents`, { dispatcher: client });
      const body = (await res.body.json()) as { agents: Array<{ name: string; endpoint: string }> | null };
      for (const a of body.agents ?? []) expect(a.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:/);
      expect((body.agents ?? []).map((a) => a.name).sort()).toEqual(["date-agent", "greeter"]);
      const env = baseEnv(dir, { ...tls("meshctl"), MCP_MESH_REGISTRY_URL: reg.url });
      const called = await waitFor(
        async () => {
          const r = await meshctl(["call", "greet", '{"who":"reference"}', "--raw"], env);
          return r.code === 0 && r.stdout.includes("2026-01-02 in UTC") ? r : undefined;
        },
        30_000,
        "greet wired to date_service through the reference registry",
      );
      expect(called.stdout).toContain("Hello reference");
    }, 60_000);
  },
);
