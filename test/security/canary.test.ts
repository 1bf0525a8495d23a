// A canary secret through a call chain of real processes: a caller's `authorization` and
// `x-api-key` (propagated by the allow-list), the agents' registry token and mesh token, an LLM
// vendor key, and refused tokens (at an agent and at the registry). Tracing is on (a real Redis).
// Every canary must reach where it is meant to (the provider sees the caller's headers, the model
// server sees the vendor key) and appear nowhere else: no log file, registry event, trace record
// (Redis mesh:trace and the registry's /trace), GET /agents, or error message told to a caller.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TraceListView } from "@mcp-mesh/protocol";
import { createClient } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { baseEnv, meshctl, show } from "../../packages/cli/test/meshctl-process.js";
import { type ScriptedLlm, startScriptedLlm } from "../../packages/sdk/src/testing/index.js";
import { type RedisServer, redisServerBinary, startOwnRedis } from "../../scripts/redis.mjs";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { freePort } from "../interop/processes.js";
import { type LoggedProcess, startLogged, until } from "./logged-process.js";

const REGISTRY_BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));
const agentFile = (name: string) => fileURLToPath(new URL(`./agents/${name}`, import.meta.url));

const tag = randomBytes(6).toString("hex");
const CANARY = {
  user: `canary-user-${tag}`,
  apiKey: `canary-apikey-${tag}`,
  registry: `canary-registry-${tag}`,
  agent: `canary-agent-${tag}`,
  vendor: `canary-vendor-${tag}`,
  wrongUser: `canary-wronguser-${tag}`,
  wrongRegistry: `canary-wrongregistry-${tag}`,
};
const sha = (v: string) => createHash("sha256").update(v).digest("hex");

/** The canaries (by name) found in `text`. */
function leaks(text: string): string[] {
  return Object.entries(CANARY)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
}

const dir = mkdtempSync(join(tmpdir(), "mesh-canary-"));
const procs: LoggedProcess[] = [];
let redis: RedisServer | undefined;
let model: ScriptedLlm | undefined;
let registryUrl = "";
let registry: LoggedProcess | undefined;
const told: { what: string; text: string }[] = [];

afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.stop()));
  await registry?.stop();
  await model?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${CANARY.registry}` };

async function registryJson(path: string): Promise<unknown> {
  const res = await fetch(`${registryUrl}${path}`, { headers: auth });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

async function agentUrl(name: string): Promise<string> {
  return until(
    async () => {
      const list = (await registryJson("/agents")) as { agents: { name: string; endpoint: string; status: string }[] };
      const a = list.agents.find((x) => x.name === name && x.status === "healthy");
      return a?.endpoint;
    },
    30_000,
    `${name} registered`,
  );
}

/** A tools/call as any MCP caller sends it; every answer is kept to be searched for canaries. */
async function call(url: string, name: string, args: Record<string, unknown>, headers: Record<string, string>) {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  const text = await res.text();
  told.push({ what: `${name} ${JSON.stringify(args)} -> ${res.status}`, text: `${headerText(res.headers)}\n${text}` });
  const body = JSON.parse(text) as {
    result?: { isError?: boolean; content?: { text: string }[]; structuredContent?: unknown };
    error?: { message: string };
  };
  return { status: res.status, body, text: (body.result?.content ?? []).map((c) => c.text).join("") };
}

/** Every response header as text, to be searched too (a challenge could echo a token). */
function headerText(h: Headers): string {
  const out: string[] = [];
  h.forEach((v, k) => void out.push(`${k}: ${v}`));
  return out.join("\n");
}

const userHeaders = { authorization: `Bearer ${CANARY.user}`, "x-api-key": CANARY.apiKey };

const missing = redisServerBinary() ? [] : ["redis-server (scripts/redis.mjs installs it on Debian as root)"];

describeWithPrerequisites("a canary secret through a mesh of real processes", missing, () => {
  beforeAll(async () => {
    redis = await startOwnRedis();
    if (!redis) throw new Error("no Redis (scripts/redis.mjs): install redis-server");
    // The model calls vault_read once, then answers with the tool's result.
    model = await startScriptedLlm({
      script: [
        { toolCalls: [{ name: "vault_read", arguments: { account: "llm-acme" } }] },
        (req) => ({ text: `vault said ${JSON.stringify(req.messages.at(-1)?.content ?? "")}` }),
      ],
    });
    const port = await freePort();
    registryUrl = `http://127.0.0.1:${port}`;
    const tracing = { MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true", REDIS_URL: redis.url };
    registry = startLogged(
      [REGISTRY_BIN],
      {
        PORT: String(port),
        DATABASE_URL: join(dir, "reg.db"),
        MCP_MESH_REGISTRY_TOKEN: CANARY.registry,
        MCP_MESH_LOG_LEVEL: "debug",
        ...tracing,
      },
      join(dir, "registry.log"),
    );
    await until(async () => ((await fetch(`${registryUrl}/health`)).ok ? true : undefined), 20_000, "registry");
    const common = {
      ...tracing,
      MCP_MESH_REGISTRY_URL: registryUrl,
      MCP_MESH_REGISTRY_TOKEN: CANARY.registry,
      MCP_MESH_PROPAGATE_HEADERS: "authorization,x-api-key",
      MCP_MESH_LOG_LEVEL: "debug",
      MCP_MESH_HEALTH_INTERVAL: "1",
    };
    const start = (file: string, env: Record<string, string>) => {
      const name = env.MCP_MESH_AGENT_NAME ?? file.replace(".mjs", "");
      const p = startLogged([agentFile(file)], { ...common, ...env }, join(dir, `${name}.log`));
      procs.push(p);
      return p;
    };
    start("canary-provider.mjs", { MCP_MESH_AUTH_TOKENS: `${CANARY.user},${CANARY.agent}` });
    start("canary-consumer.mjs", { MCP_MESH_AGENT_TOKEN: CANARY.agent });
    start("canary-llm-provider.mjs", { LLM_BASE_URL: model.url, LLM_API_KEY: CANARY.vendor });
    // An agent holding a token the registry does not accept: refused at every heartbeat.
    start("canary-provider.mjs", { MCP_MESH_REGISTRY_TOKEN: CANARY.wrongRegistry, MCP_MESH_AGENT_NAME: "impostor" });
  }, 90_000);

  it("propagates the caller's headers and the mesh token to the provider, and tells no caller a secret", async () => {
    const consumer = await agentUrl("canary-consumer");
    const provider = await agentUrl("canary-provider");
    await agentUrl("canary-llm");
    const read = await until(
      async () => {
        const r = await call(consumer, "relay", { to: "read", account: "acme" }, userHeaders);
        return r.body.result?.isError ? undefined : r;
      },
      30_000,
      "the consumer wired to the vault",
    );
    // The provider got the caller's own headers (their digests prove it without echoing them).
    expect(JSON.parse(read.text)).toMatchObject({
      account: "acme",
      authorization: sha(`Bearer ${CANARY.user}`),
      apiKey: sha(CANARY.apiKey),
      subject: "token:0",
    });
    // No caller header: the consumer's mesh token authenticates the hop.
    const own = await call(consumer, "relay", { to: "read" }, {});
    expect(JSON.parse(own.text)).toMatchObject({ authorization: sha(`Bearer ${CANARY.agent}`) });

    const failed = await call(consumer, "relay", { to: "fail" }, userHeaders);
    expect(failed.body.result?.isError).toBe(true);
    expect(failed.text).toContain("the vault is sealed today");

    const sealed = await call(consumer, "relay", { to: "sealed" }, userHeaders);
    expect(sealed.body.result?.isError).toBe(true);
    expect(sealed.text).toMatch(/401|unauthori[sz]ed|invalid_token/i);

    const refused = await call(
      provider,
      "vault_read",
      { account: "x" },
      { authorization: `Bearer ${CANARY.wrongUser}` },
    );
    expect(refused.status).toBe(401);

    const registryRefused = await fetch(`${registryUrl}/agents`, {
      headers: { authorization: `Bearer ${CANARY.wrongRegistry}` },
    });
    told.push({
      what: "GET /agents with a wrong token",
      text: `${headerText(registryRefused.headers)} ${await registryRefused.text()}`,
    });
    expect(registryRefused.status).toBe(401);

    for (const t of told) expect(leaks(t.text), t.what).toEqual([]);
  }, 90_000);

  it("carries the caller's token through an LLM provider's tool loop, and the vendor key only to the model", async () => {
    const consumer = await agentUrl("canary-consumer");
    const asked = await until(
      async () => {
        const r = await call(consumer, "ask", { question: "what is in the vault?" }, userHeaders);
        return r.body.result?.isError ? undefined : r;
      },
      30_000,
      "the consumer wired to its LLM",
    );
    // The tool result the model saw is vault_read's, run with the caller's authorization.
    expect(asked.text).toContain("llm-acme");
    expect(asked.text).toContain(sha(`Bearer ${CANARY.user}`));
    expect(model?.requests[0]?.headers.authorization).toBe(`Bearer ${CANARY.vendor}`);
    expect(leaks(asked.text)).toEqual([]);

    // A vendor that echoes the key in its error (as some do, in part): the provider's tool error
    // reaches the consumer's caller, the logs and the trace, so the key must be gone from it.
    model?.push({ error: `Incorrect API key provided: ${CANARY.vendor}`, status: 401 });
    const vendorFailed = await call(consumer, "ask", { question: "again?" }, userHeaders);
    expect(vendorFailed.body.result?.isError).toBe(true);
    expect(vendorFailed.text).toContain("Incorrect API key provided");
    expect(leaks(vendorFailed.text)).toEqual([]);
  }, 90_000);

  it("keeps secrets sent in _mesh_headers and through the registry's /proxy out of the answers", async () => {
    const consumer = await agentUrl("canary-consumer");
    // Headers in the reserved argument, with an argument the tool's schema refuses.
    const bad = await call(
      consumer,
      "relay",
      { to: "nowhere", _mesh_headers: { authorization: `Bearer ${CANARY.user}`, "x-api-key": CANARY.apiKey } },
      {},
    );
    expect(bad.body.error ?? bad.body.result?.isError).toBeTruthy();
    const viaHeaders = await call(
      consumer,
      "relay",
      { to: "read", account: "h", _mesh_headers: { authorization: `Bearer ${CANARY.user}` } },
      {},
    );
    expect(JSON.parse(viaHeaders.text)).toMatchObject({ authorization: sha(`Bearer ${CANARY.user}`) });
    // meshctl's path: the registry's /proxy with the registry token and a propagated x-api-key.
    const target = new URL(consumer).host;
    for (const [to, path] of [
      ["read", `/proxy/${target}/mcp`],
      ["fail", `/proxy/${target}/mcp`],
      ["read", "/proxy/127.0.0.1:1/mcp"],
    ] as const) {
      const res = await fetch(`${registryUrl}${path}`, {
        method: "POST",
        headers: {
          ...auth,
          "x-api-key": CANARY.apiKey,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 2,
          method: "tools/call",
          params: { name: "relay", arguments: { to } },
        }),
      });
      const text = await res.text();
      told.push({ what: `POST ${path} relay ${to} -> ${res.status}`, text: `${headerText(res.headers)} ${text}` });
      expect(res.status).toBeLessThan(500);
    }
    for (const t of told) expect(leaks(t.text), t.what).toEqual([]);
  }, 90_000);

  it("keeps every canary out of what meshctl prints, refused or not, and out of every /metrics", async () => {
    const home = mkdtempSync(join(dir, "meshctl-"));
    const env = { MCP_MESH_REGISTRY_URL: registryUrl };
    const runs = [
      await meshctl(["list"], baseEnv(home, { ...env, MCP_MESH_REGISTRY_TOKEN: CANARY.registry })),
      await meshctl(
        ["call", "relay", '{"to":"read"}', "-H", `x-api-key: ${CANARY.apiKey}`, "--tree"],
        baseEnv(home, { ...env, MCP_MESH_REGISTRY_TOKEN: CANARY.registry }),
      ),
      await meshctl(
        ["call", "relay", '{"to":"fail"}', "-H", `x-api-key: ${CANARY.apiKey}`],
        baseEnv(home, { ...env, MCP_MESH_REGISTRY_TOKEN: CANARY.registry }),
      ),
      await meshctl(["list"], baseEnv(home, { ...env, MCP_MESH_REGISTRY_TOKEN: CANARY.wrongRegistry })),
    ];
    expect(runs.map((r) => r.code === 0)).toEqual([true, true, false, false]);
    expect(runs[1]?.stdout).toContain("acme");
    expect(runs[3]?.stderr).toMatch(/401|token/i);
    for (const r of runs) expect(leaks(`${r.stdout}\n${r.stderr}`), show(r)).toEqual([]);
    const metricsOf = [
      registryUrl,
      ...(await Promise.all(["canary-consumer", "canary-provider", "canary-llm"].map(agentUrl))),
    ];
    for (const base of metricsOf) {
      const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
      expect(text.length, base).toBeGreaterThan(0);
      expect(leaks(text), `${base}/metrics`).toEqual([]);
    }
  }, 120_000);

  it("leaves no canary in /agents, /events, traces (registry and Redis) or any log file", async () => {
    const found: Record<string, string[]> = {};
    const check = (what: string, text: string) => {
      const l = leaks(text);
      if (l.length > 0) found[what] = l;
    };
    check("GET /agents", JSON.stringify(await registryJson("/agents")));
    check("GET /events", JSON.stringify(await registryJson("/events?limit=500")));
    // The registry has consumed the chain's spans (each call is its own trace).
    const traces = await until(
      async () => {
        const list = (await registryJson("/traces?limit=100")) as TraceListView;
        return list.traces.filter((t) => t.agents.includes("canary-provider")).length >= 3 ? list : undefined;
      },
      30_000,
      "the chain's traces at the registry",
    );
    check("GET /traces", JSON.stringify(traces));
    for (const t of traces.traces)
      check(`GET /trace/${t.trace_id}`, JSON.stringify(await registryJson(`/trace/${t.trace_id}`)));
    const client = createClient({ url: redis?.url });
    await client.connect();
    try {
      const records = await client.xRange("mesh:trace", "-", "+");
      expect(records?.length).toBeGreaterThan(0);
      check("Redis mesh:trace", JSON.stringify(records));
    } finally {
      client.destroy();
    }
    // Graceful stops flush every log; the impostor's log shows it was refused (so it ran).
    await Promise.all(procs.map((p) => p.stop()));
    await registry?.stop();
    const impostor = procs.find((p) => p.logFile.endsWith("impostor.log"))?.log() ?? "";
    expect(impostor).toMatch(/401/);
    for (const p of [...procs, ...(registry ? [registry] : [])]) {
      const text = p.log();
      expect(text.length, p.logFile).toBeGreaterThan(0);
      check(p.logFile, text);
    }
    expect(found).toEqual({});
  }, 120_000);
});
