// A store that refuses writes: every change it refuses leaves memory as it was (GET /agents,
// resolutions, watch streams), the caller gets 503 store_unavailable with the envelope, and the
// registry works normally, with memory and disk in agreement, once the store writes again.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ResolutionUpdate } from "@mcp-mesh/protocol";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRegistry, healthScan, openSqliteStore, type Registry, type RegistryStore } from "../src/index.js";
import { agent, cleanup, tool } from "./fixtures.js";

const P = "date-provider-1a2b3c4d";
const Q = "date-replica-5e6f7a8b";
const C = "greeter-9c0d1e2f";

/** The real SQLite store, with a switch that makes every write fail. */
function flakyStore(path: string): RegistryStore & { failing: boolean } {
  const inner = openSqliteStore(path);
  const store = Object.create(inner) as RegistryStore & { failing: boolean };
  store.failing = false;
  store.write = (batch) => (store.failing ? Promise.reject(new Error("disk I/O error")) : inner.write(batch));
  return store;
}

async function start(store: RegistryStore, clock: { now: number }): Promise<Registry> {
  return createRegistry({
    store,
    config: { watchGraceMs: 0 },
    clock: () => clock.now,
    logger: pino({ level: "silent" }),
    timers: false,
  });
}

describe("a store that fails its writes", () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-reg-fail-"));
  const clock = { now: Date.now() };
  let store: ReturnType<typeof flakyStore>;
  let reg: Registry;
  const pushed: ResolutionUpdate[] = [];

  const inject = async (method: "GET" | "POST" | "DELETE" | "HEAD", url: string, body?: unknown) => {
    const r = await reg.app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null };
  };
  const provider = (id: string, version = "1.0.0") => agent(id, [tool("get_date", "date_service", { version })]);
  const consumer = agent(C, [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]);
  const chosen = async () => (await inject("GET", `/agents/${C}`)).json.resolution.dependencies_resolved.greet[0];
  const listing = async () => JSON.stringify((await inject("GET", "/agents")).json.agents);

  beforeAll(async () => {
    store = flakyStore(join(dir, "registry.db"));
    reg = await start(store, clock);
    expect((await inject("POST", "/heartbeat", provider(P))).json.status).toBe("success");
    expect((await inject("POST", "/heartbeat", consumer)).json.status).toBe("success");
    reg.core.watchAgent(C, (u) => pushed.push(u));
  });
  afterAll(async () => {
    await reg.close();
    cleanup(dir);
  });

  it("refuses a registration, an update and an unregister with 503, and nothing changes", async () => {
    const before = await listing();
    const beforeChosen = await chosen();
    const pushedBefore = pushed.length;
    store.failing = true;

    for (const [method, url, body] of [
      ["POST", "/heartbeat", provider(Q)],
      ["POST", "/heartbeat", provider(P, "2.0.0")],
      ["DELETE", `/agents/${P}`, undefined],
    ] as const) {
      const r = await inject(method, url, body);
      expect(r.status, `${method} ${url}`).toBe(503);
      expect(r.json).toEqual({
        error: "registry store unavailable (sqlite): nothing was changed, retry later",
        timestamp: expect.any(String),
      });
    }
    // A registration refused on its merits writes nothing: it gets its answer all the same.
    const refused = await inject("POST", "/heartbeat", { ...provider("bad-1"), runtime: "cobol" });
    expect(refused.status).toBe(200);
    expect(refused.json.status).toBe("error");
    expect(await listing()).toBe(before);
    expect(await chosen()).toEqual(beforeChosen);
    expect((await inject("GET", `/agents/${Q}`)).status).toBe(404);
    expect((await inject("HEAD", `/heartbeat/${P}`)).status).toBe(200);
    expect(pushed.length).toBe(pushedBefore);
    // The operator sees it: three failed writes on /metrics.
    const metrics = (await reg.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^mcp_mesh_registry_store_write_failures_total 3$/m);
  });

  it("a health scan that cannot write leaves the silent agent healthy, and marks it once it can", async () => {
    clock.now += 60_000;
    await expect(healthScan(reg.core, clock.now, 20_000)).rejects.toThrow(/store unavailable/);
    expect((await inject("GET", `/agents/${P}`)).json.status).toBe("healthy");
    expect((await chosen()).agent_id).toBe(P);
    store.failing = false;
    // Both stale now; P and C re-register so the rest of the suite has a healthy mesh.
    expect(await healthScan(reg.core, clock.now, 20_000)).toBe(2);
    expect((await inject("GET", `/agents/${P}`)).json.status).toBe("unhealthy");
    expect((await inject("POST", "/heartbeat", provider(P))).json.status).toBe("success");
    expect((await inject("POST", "/heartbeat", consumer)).json.status).toBe("success");
  });

  it("works normally once the store writes again, and what it kept matches the disk", async () => {
    expect((await inject("POST", "/heartbeat", provider(Q))).json.status).toBe("success");
    expect((await chosen()).agent_id).toBe(P);
    const pushedBefore = pushed.length;
    expect((await inject("DELETE", `/agents/${P}`)).status).toBe(204);
    expect((await chosen()).agent_id).toBe(Q);
    expect(pushed.length).toBe(pushedBefore + 1);
    expect(pushed.at(-1)?.dependencies_resolved.greet?.[0]?.agent_id).toBe(Q);

    const live = (await inject("GET", "/agents")).json.agents.map((a: any) => [a.id, a.status, a.version]);
    await reg.close();
    store = flakyStore(join(dir, "registry.db"));
    reg = await start(store, clock);
    const reloaded = (await inject("GET", "/agents")).json.agents.map((a: any) => [a.id, a.status, a.version]);
    expect(reloaded).toEqual(live);
    expect((await chosen()).agent_id).toBe(Q);
  });
});

// Changes that arrive together are computed one after another and written as one transaction
// (group commit): the group is durable as a whole or not at all.
describe("a burst of registrations written together", () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-reg-group-"));
  const clock = { now: Date.now() };
  let store: ReturnType<typeof flakyStore>;
  let reg: Registry;
  const ids = Array.from({ length: 8 }, (_, i) => `burst-${i}-0a1b2c3d`);
  // Even agents provide date_service, odd ones consume it: each consumer's provider is in the burst.
  const bodies = ids.map((id, i) =>
    i % 2 === 0
      ? agent(id, [tool("get_date", "date_service")])
      : agent(id, [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]),
  );
  const postAll = () =>
    Promise.all(
      bodies.map(async (b) => {
        const r = await reg.app.inject({ method: "POST", url: "/heartbeat", payload: JSON.stringify(b) });
        return { status: r.statusCode, json: JSON.parse(r.body) };
      }),
    );

  beforeAll(async () => {
    store = flakyStore(join(dir, "registry.db"));
    reg = await start(store, clock);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(dir);
  });

  it("refuses every registration of the burst with 503 when the store fails, and keeps nothing", async () => {
    store.failing = true;
    const answers = await postAll().finally(() => {
      store.failing = false;
    });
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 503));
    // An empty registry lists `agents: null`, as the reference does.
    expect((await reg.app.inject({ method: "GET", url: "/agents" })).json().agents).toBeNull();
  });

  it("registers the whole burst, each consumer resolved to a provider of the same burst, and keeps it on disk", async () => {
    const answers = await postAll();
    expect(answers.map((a) => a.json.status)).toEqual(ids.map(() => "success"));
    for (const [i, a] of answers.entries()) {
      if (i % 2 === 0) continue;
      const dep = a.json.dependencies_resolved.greet[0];
      expect(dep.status).toBe("available");
      expect(ids.slice(0, i).filter((_, j) => j % 2 === 0)).toContain(dep.agent_id);
    }
    await reg.close();
    store = flakyStore(join(dir, "registry.db"));
    reg = await start(store, clock);
    const listed = (await reg.app.inject({ method: "GET", url: "/agents" })).json().agents;
    expect(listed.map((a: { id: string }) => a.id).sort()).toEqual([...ids].sort());
  });
});

// While one transaction is being written, changes that arrive are computed on top of it (the
// event loop works while the store writes). If that transaction fails, what was computed on
// top of it saw state that never became durable: it must be computed again, not written.
describe("a registration computed while an earlier one is being written", () => {
  const dir = mkdtempSync(join(tmpdir(), "mesh-reg-ahead-"));
  const clock = { now: Date.now() };
  let reg: Registry;
  let release: (fail: boolean) => void = () => {};
  let held = 0;
  const inner = openSqliteStore(join(dir, "registry.db"));
  const store = Object.create(inner) as RegistryStore & { hold: boolean };
  store.hold = false;
  // With `hold`, the next write waits until release(): fail or write it.
  store.write = (batch) => {
    if (!store.hold) return inner.write(batch);
    store.hold = false;
    held++;
    return new Promise<boolean>((r) => {
      release = r;
    }).then((fail) => (fail ? Promise.reject(new Error("disk I/O error")) : inner.write(batch)));
  };
  const post = async (body: unknown) => {
    const r = await reg.app.inject({ method: "POST", url: "/heartbeat", payload: JSON.stringify(body) });
    return { status: r.statusCode, json: JSON.parse(r.body) };
  };
  const heartbeatResolutions = async () => {
    const text = (await reg.app.inject({ method: "GET", url: "/metrics" })).body;
    return Number(/^mcp_mesh_registry_resolution_seconds_count\{scope="heartbeat"\} (\d+)$/m.exec(text)?.[1]);
  };
  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 1000 && !ok(); i++) await new Promise((r) => setImmediate(r));
    expect(ok()).toBe(true);
  };
  const provider = (id: string, version: string) => agent(id, [tool("get_date", "date_service", { version })]);
  const consumer = (id: string) =>
    agent(id, [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]);

  beforeAll(async () => {
    reg = await start(store, clock);
    expect((await post(provider(P, "1.0.0"))).json.status).toBe("success");
  });
  afterAll(async () => {
    await reg.close();
    cleanup(dir);
  });

  it("answers from what is durable when the transaction under it fails", async () => {
    store.hold = true;
    const newer = post(provider(Q, "2.0.0"));
    await until(() => held === 1);
    const before = await heartbeatResolutions();
    const greeter = post(consumer(C));
    // The consumer is computed now, on top of Q (still being written), which it would choose.
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(await heartbeatResolutions()).toBe(before + 1);
    release(true);
    expect((await newer).status).toBe(503);
    const answer = await greeter;
    expect(answer.json.status).toBe("success");
    expect(answer.json.dependencies_resolved.greet[0].agent_id).toBe(P);
    // Computed a second time, against memory without Q.
    expect(await heartbeatResolutions()).toBe(before + 2);
    const listed = (await reg.app.inject({ method: "GET", url: "/agents" })).json().agents;
    expect(listed.map((a: { id: string }) => a.id).sort()).toEqual([C, P].sort());
    expect(
      (await reg.app.inject({ method: "GET", url: `/agents/${C}` })).json().resolution.dependencies_resolved.greet[0]
        .agent_id,
    ).toBe(P);
  });

  it("keeps what was computed on top once the transaction under it is durable", async () => {
    const other = "greeter-2-77aa88bb";
    store.hold = true;
    const newer = post(provider(Q, "2.0.0"));
    await until(() => held === 2);
    const greeter = post(consumer(other));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    // Q and the consumer computed on it are in memory for the next computation, not for
    // readers: the listing shows neither until they are durable.
    const during = (await reg.app.inject({ method: "GET", url: "/agents" })).json().agents;
    expect(during.map((a: { id: string }) => a.id).sort()).toEqual([C, P].sort());
    expect((await reg.app.inject({ method: "GET", url: `/agents/${other}` })).statusCode).toBe(404);
    // A change computed after that read still sees both (put back for it).
    const third = "greeter-3-99cc00dd";
    const late = post(consumer(third));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    release(false);
    expect((await newer).json.status).toBe("success");
    const answer = await greeter;
    expect(answer.json.dependencies_resolved.greet[0].agent_id).toBe(Q);
    expect((await late).json.dependencies_resolved.greet[0].agent_id).toBe(Q);
    // Restarted from disk, both are there and the consumer still goes to Q.
    await reg.close();
    reg = await start(openSqliteStore(join(dir, "registry.db")), clock);
    const listed = (await reg.app.inject({ method: "GET", url: "/agents" })).json().agents;
    expect(listed.map((a: { id: string }) => a.id).sort()).toEqual([C, P, Q, other, third].sort());
    expect(
      (await reg.app.inject({ method: "GET", url: `/agents/${other}` })).json().resolution.dependencies_resolved
        .greet[0].agent_id,
    ).toBe(Q);
  });
});
