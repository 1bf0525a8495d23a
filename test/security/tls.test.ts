// TLS and mTLS end to end, all real processes: certificates made by `meshctl certs` in the test,
// our registry serving HTTPS with client certificates required (MCP_MESH_TLS_MODE=strict), two
// agents serving /mcp over HTTPS, each with its own certificate, a call from one to the other
// (through the registry's /proxy and directly), meshctl list/call over TLS; an untrusted server
// and a client without (or with a foreign) certificate refused with a clear answer; and an
// agent_id owned by the certificate that registered it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  baseEnv,
  type CliResult,
  fixture,
  meshctl,
  show,
  startForeground,
  waitFor,
} from "../../packages/cli/test/meshctl-process.js";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

interface Listed {
  id: string;
  name: string;
  endpoint: string;
  entity_id?: string;
}

let dir: string;
let certs: string;
let other: string;
let reg: AuthRegistry;
const agents: Array<Awaited<ReturnType<typeof startForeground>>> = [];
const dispatchers: Agent[] = [];

/** The env of a process that uses certificate `name` of the mesh's CA (or of `ca`'s). */
function tlsEnv(name: string | undefined, ca = join(certs, "ca.pem")): Record<string, string> {
  return {
    // Agents then require a client certificate on /mcp, as the registry does.
    MCP_MESH_TLS_MODE: "strict",
    MCP_MESH_TLS_CA: ca,
    ...(name && { MCP_MESH_TLS_CERT: join(certs, `${name}.pem`), MCP_MESH_TLS_KEY: join(certs, `${name}-key.pem`) }),
    MCP_MESH_REGISTRY_URL: reg.url,
  };
}

/** An HTTPS client trusting the mesh's CA, with the client certificate `name` (or none). */
function client(name?: string, from = certs): Agent {
  const d = new Agent({
    connect: {
      ca: readFileSync(join(certs, "ca.pem")),
      ...(name && {
        cert: readFileSync(join(from, `${name}.pem`)),
        key: readFileSync(join(from, `${name}-key.pem`)),
      }),
    },
  });
  dispatchers.push(d);
  return d;
}

async function listed(): Promise<Listed[]> {
  const res = await request(`${reg.url}/agents`, { dispatcher: client("meshctl") });
  const body = (await res.body.json()) as { agents: Listed[] | null };
  return body.agents ?? [];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-tls-"));
  certs = join(dir, "certs");
  other = join(dir, "other");
  for (const [target, names] of [
    [certs, ["date-agent", "greeter"]],
    [other, ["intruder"]],
  ] as const) {
    const made: CliResult = await meshctl(["certs", ...names, "--dir", target, "--strict"], baseEnv(dir));
    expect(made.code, show(made)).toBe(0);
  }
  reg = await startAuthRegistry(
    join(dir, "reg.db"),
    {
      MCP_MESH_TLS_MODE: "strict",
      MCP_MESH_TLS_CERT: join(certs, "registry.pem"),
      MCP_MESH_TLS_KEY: join(certs, "registry-key.pem"),
      MCP_MESH_TLS_CA: join(certs, "ca.pem"),
    },
    { ca: readFileSync(join(certs, "ca.pem")) },
  );
  // Each agent in its own meshctl, with its own certificate: its identity at the registry.
  agents.push(await startForeground([fixture("date-agent.ts")], baseEnv(dir, tlsEnv("date-agent"))));
  agents.push(await startForeground([fixture("greeter.ts")], baseEnv(dir, tlsEnv("greeter"))));
}, 90_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await reg?.stop();
  for (const d of dispatchers) await d.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("meshctl certs", () => {
  it("prints the env for one shell, and keeps the CA on a second run", async () => {
    const again = await meshctl(["certs", "--dir", certs], baseEnv(dir));
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain(`export MCP_MESH_TLS_CA=${join(certs, "ca.pem")}`);
    expect(again.stdout).toContain(`export MCP_MESH_TLS_CERT=${join(certs, "registry.pem")}`);
    expect(again.stdout).toContain("export MCP_MESH_REGISTRY_URL=https://localhost:8000");
    expect(again.stderr).toContain("Reused the CA");
  });
});

describe("a mesh over mTLS", () => {
  it("registers both agents with https:// endpoints and their certificates as entity ids", async () => {
    const all = await waitFor(
      async () => {
        const a = await listed();
        return a.length >= 2 ? a : undefined;
      },
      20_000,
      "two agents listed",
    );
    for (const a of all) {
      expect(a.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(a.entity_id).toBe(a.name);
    }
  });

  it("meshctl lists and calls over TLS: greeter reaches date-agent over mTLS", async () => {
    const env = baseEnv(dir, tlsEnv("meshctl"));
    const list = await meshctl(["list"], env);
    expect(list.code, show(list)).toBe(0);
    expect(list.stdout).toContain("date-agent");
    const viaProxy = await waitFor(
      async () => {
        const r = await meshctl(["call", "greet", '{"who":"tls"}', "--raw"], env);
        return r.code === 0 && r.stdout.includes("2026-01-02 in UTC") ? r : undefined;
      },
      20_000,
      "greet wired to date_service",
    );
    expect(viaProxy.stdout).toContain("Hello tls");
    const direct = await meshctl(["call", "greet", '{"who":"direct"}', "--direct", "--raw"], env);
    expect(direct.code, show(direct)).toBe(0);
    expect(direct.stdout).toContain("Hello direct");
    expect(direct.stdout).toContain("2026-01-02 in UTC");
  }, 60_000);

  it("meshctl refuses a registry whose certificate its CA did not sign, and says what to set", async () => {
    const r = await meshctl(["list"], baseEnv(dir, tlsEnv("meshctl", join(other, "ca.pem"))));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("not signed by a trusted CA");
    expect(r.stderr).toContain("MCP_MESH_TLS_CA");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("meshctl start refuses to run agents against a registry its CA does not trust, instead of starting another", async () => {
    const r = await meshctl(
      ["start", fixture("date-agent.ts")],
      baseEnv(dir, tlsEnv("date-agent", join(other, "ca.pem"))),
      30_000,
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("not signed by a trusted CA");
    expect(r.stderr).not.toContain("not a registry");
  });

  it("the registry answers a client without a certificate 401, naming what to set; probes stay open", async () => {
    const r = await meshctl(["list"], baseEnv(dir, tlsEnv(undefined)));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("401");
    expect(r.stderr).toContain("requires a client certificate");
    const health = await request(`${reg.url}/health`, { dispatcher: client() });
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  });

  it("the registry refuses a certificate of another CA", async () => {
    const res = await request(`${reg.url}/agents`, { dispatcher: client("intruder", other) });
    expect(res.statusCode).toBe(401);
    expect(await res.body.text()).toContain("client certificate not trusted");
  });

  it("an agent answers /mcp without a client certificate 401, and with one it works", async () => {
    const greeter = (await listed()).find((a) => a.name === "greeter") as Listed;
    const call = (d: Agent) =>
      request(`${greeter.endpoint}/mcp`, {
        method: "POST",
        dispatcher: d,
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "greet", arguments: { who: "mtls" } },
        }),
      });
    const anonymous = await call(client());
    expect(anonymous.statusCode).toBe(401);
    expect(await anonymous.body.text()).toContain("client certificate is required");
    const foreign = await call(client("intruder", other));
    expect(foreign.statusCode).toBe(401);
    expect(await foreign.body.text()).toContain("client certificate not trusted");
    const known = await call(client("meshctl"));
    expect(known.statusCode).toBe(200);
    expect(await known.body.text()).toContain("Hello mtls");
  });

  it("an agent_id belongs to the certificate that registered it", async () => {
    const date = (await listed()).find((a) => a.name === "date-agent") as Listed;
    const asGreeter = client("greeter");
    const del = await request(`${reg.url}/agents/${date.id}`, { method: "DELETE", dispatcher: asGreeter });
    expect(del.statusCode).toBe(403);
    expect(await del.body.text()).toContain("registered by another credential");
    const takeover = await request(`${reg.url}/heartbeat`, {
      method: "POST",
      dispatcher: asGreeter,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ agent_id: date.id, name: "date-agent", http_host: "127.0.0.1", http_port: 1, tools: [] }),
    });
    expect(takeover.statusCode).toBe(403);
    await takeover.body.dump();
    const after = (await listed()).find((a) => a.id === date.id);
    expect(after?.endpoint).toBe(date.endpoint);
  });
});
