// TLS settings as a user gets them wrong or right: the registry binary refuses a strict mode
// without a CA and a certificate file it cannot read (exit 2, one line naming the variable); an
// agent given `tls` in code serves HTTPS and hands its handler the caller's certificate identity
// in ctx.auth, and refuses to start on a missing file.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseEnv, fixture, meshctl, show, startForeground } from "../../packages/cli/test/meshctl-process.js";
import { mesh } from "../../packages/sdk/src/index.js";
import { freePort } from "../interop/processes.js";
import { startAuthRegistry } from "./registry-process.js";

const REGISTRY = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));
let dir: string;
let certs: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-tls-config-"));
  certs = join(dir, "certs");
  const made = await meshctl(["certs", "billing", "--dir", certs], baseEnv(dir));
  expect(made.code, show(made)).toBe(0);
}, 30_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function registry(env: Record<string, string>) {
  return spawnSync(process.execPath, [REGISTRY], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", DATABASE_URL: ":memory:", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("the registry's TLS settings", () => {
  it("strict without a CA is refused at start, naming MCP_MESH_TLS_CA", () => {
    const r = registry({
      MCP_MESH_TLS_MODE: "strict",
      MCP_MESH_TLS_CERT: join(certs, "registry.pem"),
      MCP_MESH_TLS_KEY: join(certs, "registry-key.pem"),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("MCP_MESH_TLS_CA");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a certificate file it cannot read is one line naming the variable and the file", () => {
    const r = registry({
      MCP_MESH_TLS_CERT: join(dir, "missing.pem"),
      MCP_MESH_TLS_KEY: join(certs, "registry-key.pem"),
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot read MCP_MESH_TLS_CERT ${join(dir, "missing.pem")} (ENOENT)`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unknown mode is refused with the values it takes", () => {
    const r = registry({ MCP_MESH_TLS_MODE: "on" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("must be off, auto or strict");
  });
});

describe("a registry in MCP_MESH_TLS_MODE=auto", () => {
  it("serves anonymous clients (their agents stay http://), keeps certificate-owned agents, refuses a bad certificate", async () => {
    const ca = readFileSync(join(certs, "ca.pem"));
    const reg = await startAuthRegistry(
      join(dir, "auto.db"),
      {
        MCP_MESH_TLS_CERT: join(certs, "registry.pem"),
        MCP_MESH_TLS_KEY: join(certs, "registry-key.pem"),
        MCP_MESH_TLS_CA: join(certs, "ca.pem"),
      },
      { ca },
    );
    const anonymous = new Agent({ connect: { ca } });
    const selfSigned = new Agent({
      connect: { ca, cert: readFileSync(join(certs, "ca.pem")), key: readFileSync(join(certs, "ca-key.pem")) },
    });
    try {
      const reg1 = await request(`${reg.url}/heartbeat`, {
        method: "POST",
        dispatcher: anonymous,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ agent_id: "plain-1", name: "plain", http_host: "127.0.0.1", http_port: 9, tools: [] }),
      });
      expect(reg1.statusCode).toBe(200);
      await reg1.body.dump();
      const list = await request(`${reg.url}/agents`, { dispatcher: anonymous });
      const body = (await list.body.json()) as { agents: Array<{ id: string; endpoint: string; entity_id?: string }> };
      expect(body.agents.find((a) => a.id === "plain-1")).toMatchObject({ endpoint: "http://127.0.0.1:9" });
      expect(body.agents.find((a) => a.id === "plain-1")?.entity_id).toBeUndefined();
      // An agent registered with a certificate is that certificate's, even for callers with none.
      const billing = new Agent({
        connect: {
          ca,
          cert: readFileSync(join(certs, "billing.pem")),
          key: readFileSync(join(certs, "billing-key.pem")),
        },
      });
      const owned = await request(`${reg.url}/heartbeat`, {
        method: "POST",
        dispatcher: billing,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          agent_id: "billing-1",
          name: "billing",
          http_host: "127.0.0.1",
          http_port: 10,
          tools: [],
        }),
      });
      expect(owned.statusCode).toBe(200);
      await owned.body.dump();
      await billing.close();
      const del = await request(`${reg.url}/agents/billing-1`, { method: "DELETE", dispatcher: anonymous });
      expect(del.statusCode).toBe(403);
      expect(await del.body.text()).toContain("registered by certificate 'billing'");
      // A CA certificate is not a client certificate the CA issued: refused, not ignored.
      const bad = await request(`${reg.url}/agents`, { dispatcher: selfSigned });
      expect(bad.statusCode).toBe(401);
      expect(await bad.body.text()).toContain("client certificate not trusted");
    } finally {
      await anonymous.close();
      await selfSigned.close();
      await reg.stop();
    }
  });
});

describe("an agent with `tls` in code", () => {
  it("serves HTTPS and shows the handler the caller's certificate in ctx.auth", async () => {
    const agent = mesh.agent({
      name: "billing",
      autoRun: false,
      standalone: true,
      handleSignals: false,
      logLevel: "silent",
      env: {},
      tls: {
        mode: "strict",
        cert: join(certs, "billing.pem"),
        key: join(certs, "billing-key.pem"),
        ca: join(certs, "ca.pem"),
      },
    });
    agent.tool({ name: "whoami", handler: (_args, _deps, ctx) => `${ctx.auth?.kind}:${ctx.auth?.subject}` });
    const handle = await agent.start();
    const client = new Agent({
      connect: {
        ca: readFileSync(join(certs, "ca.pem")),
        cert: readFileSync(join(certs, "meshctl.pem")),
        key: readFileSync(join(certs, "meshctl-key.pem")),
      },
    });
    try {
      expect(handle.url).toMatch(/^https:\/\//);
      const res = await request(`https://127.0.0.1:${handle.port}/mcp`, {
        method: "POST",
        dispatcher: client,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "whoami", arguments: {} },
        }),
      });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain("certificate:meshctl");
    } finally {
      await client.close();
      await handle.stop();
    }
  });

  it("refuses to start when a file is missing, naming it", async () => {
    const agent = mesh.agent({
      name: "broken",
      autoRun: false,
      standalone: true,
      handleSignals: false,
      logLevel: "silent",
      env: {},
      tls: { cert: join(dir, "nope.pem"), key: join(dir, "nope-key.pem") },
    });
    await expect(agent.start()).rejects.toThrow(`cannot read MCP_MESH_TLS_CERT ${join(dir, "nope.pem")}`);
  });
});

describe("meshctl start --tls-auto", () => {
  it("makes a dev CA once, runs an HTTPS registry and agents on https://, and meshctl --ca reads it", async () => {
    const home = join(dir, "auto-home");
    const url = `https://localhost:${await freePort()}`;
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: url });
    const started = await startForeground([fixture("date-agent.ts"), "--tls-auto"], env);
    try {
      expect(readFileSync(join(home, "tls", "ca.pem"), "utf8")).toContain("BEGIN CERTIFICATE");
      const list = await meshctl(["list", "--json", "--ca", join(home, "tls", "ca.pem")], env);
      expect(list.code, show(list)).toBe(0);
      expect(list.stdout).toMatch(/"endpoint": "https:\/\/127\.0\.0\.1:\d+"/);
      const untrusted = await meshctl(["list"], env);
      expect(untrusted.code).not.toBe(0);
      expect(untrusted.stderr).toContain("MCP_MESH_TLS_CA");
    } finally {
      await started.stop();
    }
  }, 60_000);
});
