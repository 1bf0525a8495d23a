// Thousands of hostile connections against a registry with tokens on, real sockets and real
// processes: clients that connect and say nothing, send half of a /watch request and stop, or
// open /watch/{id} with no token, a wrong one, or another credential's. Every one of them is
// refused or closed by the registry within its request timeout, its memory stays bounded, and
// meanwhile two real agents keep heartbeating, keep their watch streams, and keep calling each
// other. A flood beyond MCP_MESH_MAX_CONNECTIONS is cut at the cap and the registry recovers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { type LoggedProcess, startLogged, until } from "./logged-process.js";
import { type HeldSocket, holdMany, rssMiB, statusOf } from "./raw-sockets.js";

const REGISTRY_BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../../packages/sdk/test/fixtures/${name}`, import.meta.url));

const OWN = "watch-abuse-agents-token";
const OTHER = "watch-abuse-other-credential";
const TIMEOUT_S = 2;
const CAP = 3000;

const dir = mkdtempSync(join(tmpdir(), "mesh-watch-abuse-"));
const procs: LoggedProcess[] = [];
let registry: LoggedProcess;
let port = 0;
let url = "";
const sockets: HeldSocket[] = [];

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.allSettled(procs.map((p) => p.stop()));
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Listed {
  id: string;
  name: string;
  status: string;
  endpoint: string;
}

async function agents(): Promise<Listed[]> {
  const res = await fetch(`${url}/agents`, { headers: { authorization: `Bearer ${OWN}` } });
  return ((await res.json()) as { agents: Listed[] }).agents;
}

/** Open /watch streams, from the registry's own gauge (/metrics is open for probes). */
async function watchStreams(): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^mcp_mesh_registry_watch_connections(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

async function hello(consumer: string): Promise<string> {
  const res = await fetch(`${consumer}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "hello", arguments: {} } }),
  });
  const body = (await res.json()) as { result?: { content?: { text: string }[] } };
  return (body.result?.content ?? []).map((c) => c.text).join("");
}

describe("hostile connections to the registry's watch stream", () => {
  let consumer = "";
  let consumerId = "";

  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    registry = startLogged(
      [REGISTRY_BIN],
      {
        PORT: String(port),
        DATABASE_URL: join(dir, "reg.db"),
        MCP_MESH_REGISTRY_TOKEN: `${OWN},${OTHER}`,
        MCP_MESH_REQUEST_TIMEOUT: String(TIMEOUT_S),
        MCP_MESH_MAX_CONNECTIONS: String(CAP),
        // Watch streams of the real agents must survive the flood for the whole test.
        MCP_MESH_LOG_LEVEL: "warn",
      },
      join(dir, "registry.log"),
    );
    await until(async () => ((await fetch(`${url}/health`)).ok ? true : undefined), 20_000, "registry");
    const env = { MCP_MESH_REGISTRY_URL: url, MCP_MESH_REGISTRY_TOKEN: OWN, MCP_MESH_HEALTH_INTERVAL: "1" };
    procs.push(startLogged([fixture("provider.mjs")], { ...env, AGENT_NAME: "dates" }, join(dir, "provider.log")));
    procs.push(startLogged([fixture("consumer.mjs")], { ...env, AGENT_NAME: "greeter" }, join(dir, "consumer.log")));
    const greeter = await until(
      async () => (await agents()).find((a) => a.name === "greeter" && a.status === "healthy"),
      30_000,
      "greeter registered",
    );
    consumer = greeter.endpoint;
    consumerId = greeter.id;
    await until(async () => ((await hello(consumer)).includes("date:CET") ? true : undefined), 30_000, "greeter wired");
    await until(async () => ((await watchStreams()) === 2 ? true : undefined), 30_000, "both agents watching");
  }, 90_000);

  it("refuses or closes 2,500 idle, half-sent, anonymous and foreign connections; agents keep working", async () => {
    const before = await rssMiB(registry.pid);
    const watch = (auth?: string) =>
      `GET /watch/${consumerId} HTTP/1.1\r\nHost: registry\r\n${auth ? `Authorization: ${auth}\r\n` : ""}\r\n`;
    const groups = {
      idle: await holdMany(port, "idle", 700, undefined),
      halfSent: await holdMany(port, "half-sent", 700, `GET /watch/${consumerId} HTTP/1.1\r\nHost: registry\r\n`),
      anonymous: await holdMany(port, "anonymous", 400, watch()),
      wrongToken: await holdMany(port, "wrong token", 300, watch("Bearer not-a-token-of-this-mesh")),
      foreign: await holdMany(port, "foreign", 400, watch(`Bearer ${OTHER}`)),
    };
    const all = Object.values(groups).flat();
    sockets.push(...all);
    // While all of that is held: the agents' heartbeats, streams and calls go on, and no
    // hostile client holds a stream (the two open ones are the agents' own).
    expect(await hello(consumer)).toContain("date:CET");
    expect(await watchStreams()).toBe(2);
    const during = await rssMiB(registry.pid);

    // Every hostile socket is closed by the registry, within a few request timeouts.
    const deadline = new Promise<"late">((r) => setTimeout(() => r("late"), TIMEOUT_S * 1000 * 5).unref());
    const closed = await Promise.race([Promise.all(all.map((s) => s.closed)).then(() => "closed" as const), deadline]);
    const open = all.filter((s) => !s.closedByServer());
    expect({ closed, open: open.length, kinds: [...new Set(open.map((s) => s.kind))] }).toEqual({
      closed: "closed",
      open: 0,
      kinds: [],
    });
    expect(new Set(groups.anonymous.map(statusOf))).toEqual(new Set([401]));
    expect(new Set(groups.wrongToken.map(statusOf))).toEqual(new Set([401]));
    expect(new Set(groups.foreign.map(statusOf))).toEqual(new Set([403]));
    // Idle and half-sent ones get a 408 or just a close, never a stream.
    for (const s of [...groups.idle, ...groups.halfSent]) expect(s.received()).not.toContain("text/event-stream");

    // Memory stays bounded: a few KiB a socket, not a buffer each.
    expect(during - before).toBeLessThan(150);
    const listed = await agents();
    expect(
      listed
        .filter((a) => a.status === "healthy")
        .map((a) => a.name)
        .sort(),
    ).toEqual(["dates", "greeter"]);
    expect(await hello(consumer)).toContain("date:CET");
    expect(await watchStreams()).toBe(2);
    expect(registry.log()).not.toMatch(/FATAL|uncaught|EMFILE/i);
  }, 120_000);

  it("cuts a flood beyond MCP_MESH_MAX_CONNECTIONS at the cap and serves again when it is gone", async () => {
    const flood = await holdMany(port, "flood", CAP + 500, undefined, 250);
    sockets.push(...flood);
    // The excess is closed at once by the cap, well before the request timeout would have.
    const cut = await until(
      async () => {
        const n = flood.filter((s) => s.closedByServer()).length;
        return n >= 500 ? n : undefined;
      },
      TIMEOUT_S * 1000,
      "the connections beyond the cap closed",
    );
    expect(cut).toBeGreaterThanOrEqual(500);
    await Promise.all(flood.map((s) => s.closed));
    expect(flood.every((s) => s.closedByServer())).toBe(true);
    // Once the flood is gone: new connections are served and the agents are still in the mesh.
    expect((await fetch(`${url}/health`)).ok).toBe(true);
    await until(
      async () => ((await agents()).filter((a) => a.status === "healthy").length === 2 ? true : undefined),
      15_000,
      "both agents healthy",
    );
    expect(await hello(consumer)).toContain("date:CET");
  }, 120_000);
});
