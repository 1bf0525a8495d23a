// The store contract, run against SQLite and the real PostgreSQL: what a registry writes it
// reads back after a restart (agents with their tools, what each agent was last told, events,
// schemas, owners), heartbeat times only move forward, and a purge takes the agent's rows
// with it. Then the same registry-level restart on both stores.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistry, openPostgresStore, openSqliteStore, type Registry, type RegistryStore } from "../src/index.js";
import type { AgentRecord, Resolution } from "../src/model.js";
import { agent, cleanup, tool } from "./fixtures.js";
import { dropFresh, freshDatabase, postgres, stopPostgres } from "./postgres.js";

interface Kind {
  name: string;
  /** A new empty location, and a way to open a store on it (again). */
  location(): Promise<string>;
  open(location: string): RegistryStore;
  done(location: string): Promise<void>;
}

const dirs: string[] = [];
const KINDS: Kind[] = [
  {
    name: "sqlite",
    async location() {
      const dir = mkdtempSync(join(tmpdir(), "mesh-store-"));
      dirs.push(dir);
      return join(dir, "registry.db");
    },
    open: (path) => openSqliteStore(path),
    done: async () => {},
  },
  {
    name: "postgres",
    location: async () => (await freshDatabase()) as string,
    open: (url) => openPostgresStore(url, { poolSize: 2 }),
    done: dropFresh,
  },
];
const hasPostgres = await postgres();
afterAll(async () => {
  for (const d of dirs) cleanup(d);
  await stopPostgres();
});

function record(id: string, seq: number, extra: Partial<AgentRecord> = {}): AgentRecord {
  return {
    agent_id: id,
    name: id,
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.2.3",
    description: "a test agent",
    http_host: "127.0.0.1",
    http_port: 9001,
    namespace: "default",
    status: "healthy",
    a2a_producer: true,
    a2a_consumer: false,
    entity_id: "",
    surfaces: null,
    created_at: 1_700_000_000_000,
    updated_at: 1_700_000_000_500,
    last_full_refresh: 1_700_000_000_500,
    tools: [
      {
        function_name: "get_date",
        capability: "date_service",
        version: "1.0.0",
        tags: ["system", "time"],
        description: "",
        dependencies: [],
        input_schema: { type: "object" },
        output_schema: null,
        input_schema_canonical: null,
        input_schema_hash: "",
        output_schema_canonical: null,
        output_schema_hash: "",
        schema_warnings: [],
        llm_filter: null,
        llm_provider: null,
        kwargs: { timeout: 5 },
        seq,
      },
    ],
    ...extra,
  };
}

const told: Resolution = {
  dependencies_resolved: { greet: [] },
  llm_tools: {},
  llm_providers: {},
};

describe.each(KINDS)("the $name store", (kind) => {
  const skip = kind.name === "postgres" && !hasPostgres;

  it.skipIf(skip)("reads back what it wrote, after a restart", async () => {
    const where = await kind.location();
    let store = kind.open(where);
    await store.migrate();
    const a = record("date-a", 1);
    const b = record("greeter-b", 2, { surfaces: [{ path: "/x", skill_id: "s" }] as AgentRecord["surfaces"] });
    await store.write({
      agents: [a, b],
      resolutions: [{ agent_id: "greeter-b", resolution: told, total: 1, resolved: 0 }],
      events: [
        {
          event_type: "register",
          agent_id: "date-a",
          agent_name: "date-a",
          function_name: "",
          timestamp: 1,
          data: { n: 1 },
        },
        {
          event_type: "register",
          agent_id: "greeter-b",
          agent_name: "greeter-b",
          function_name: "",
          timestamp: 2,
          data: null,
        },
      ],
      schemas: [{ hash: "sha256:abc", canonical: { type: "object" }, runtime_origin: "typescript", created_at: 5 }],
    });
    await store.write({ touches: [{ agent_id: "date-a", updated_at: 1_700_000_009_000 }] });
    // An older heartbeat time (written late by another replica) never moves it back.
    await store.write({ touches: [{ agent_id: "date-a", updated_at: 1_700_000_001_000 }] });
    await store.write({ statuses: [{ agent_id: "greeter-b", status: "unhealthy" }] });
    await store.writeOwner?.("date-a", "team-a");
    await store.close();

    store = kind.open(where);
    await store.migrate();
    const state = await store.load();
    expect(state.agents.map((x) => x.agent_id)).toEqual(["date-a", "greeter-b"]);
    expect(state.agents[0]).toEqual({ ...a, updated_at: 1_700_000_009_000 });
    expect(state.agents[1]).toEqual({ ...b, status: "unhealthy" });
    expect(state.resolutions.get("greeter-b")).toEqual(told);
    const events = await store.queryEvents({ types: [], agent_ids: [], function_names: [], limit: 10 });
    expect(events.map((e) => [e.agent_id, e.data])).toEqual([
      ["greeter-b", null],
      ["date-a", { n: 1 }],
    ]);
    expect(
      (await store.queryEvents({ types: ["register"], agent_ids: ["date-a"], function_names: [""], limit: 10 })).length,
    ).toBe(1);
    expect(await store.getSchema("sha256:abc")).toEqual({
      hash: "sha256:abc",
      canonical: { type: "object" },
      runtime_origin: "typescript",
      created_at: 5,
    });
    expect((await store.listSchemas(10)).length).toBe(1);
    expect(await store.loadOwners?.()).toEqual(new Map([["date-a", "team-a"]]));

    // A purge takes the agent's tools, resolution, events and owner with it.
    await store.write({ deletes: ["date-a"] });
    expect(await store.trimEvents(1)).toBe(0);
    const after = await store.load();
    expect(after.agents.map((x) => x.agent_id)).toEqual(["greeter-b"]);
    expect((await store.queryEvents({ types: [], agent_ids: ["date-a"], function_names: [], limit: 10 })).length).toBe(
      0,
    );
    expect(await store.loadOwners?.()).toEqual(new Map());
    await store.ping();
    await store.close();
    await kind.done(where);
  });

  it.skipIf(skip)("migrates an existing database again without change, and keeps the newest events", async () => {
    const where = await kind.location();
    const store = kind.open(where);
    await store.migrate();
    await store.migrate();
    await store.write({ agents: [record("date-a", 1)] });
    await store.write({
      events: Array.from({ length: 5 }, (_, i) => ({
        event_type: "register" as const,
        agent_id: "date-a",
        agent_name: "date-a",
        function_name: "",
        timestamp: i,
        data: { i },
      })),
    });
    expect(await store.trimEvents(2)).toBe(3);
    const left = await store.queryEvents({ types: [], agent_ids: [], function_names: [], limit: 10 });
    expect(left.map((e) => e.data)).toEqual([{ i: 4 }, { i: 3 }]);
    await store.close();
    await kind.done(where);
  });

  it.skipIf(skip)("a registry on it keeps agents, resolutions, events and pending 202s across a restart", async () => {
    const where = await kind.location();
    const clock = { now: Date.now() };
    const start = async (): Promise<Registry> =>
      createRegistry({
        store: kind.open(where),
        config: { watchGraceMs: 0 },
        clock: () => clock.now,
        logger: pino({ level: "silent" }),
        timers: false,
      });
    const send = async (reg: Registry, method: "GET" | "POST" | "HEAD" | "DELETE", url: string, body?: unknown) => {
      const r = await reg.app.inject({ method, url, payload: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null };
    };
    const provider = (id: string) => agent(id, [tool("get_date", "date_service")]);
    const consumer = agent("greeter", [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]);

    const first = await start();
    await send(first, "POST", "/heartbeat", provider("date-a"));
    await send(first, "POST", "/heartbeat", consumer);
    await send(first, "DELETE", "/agents/date-a");
    await send(first, "POST", "/heartbeat", provider("date-b"));
    const before = (await send(first, "GET", "/agents")).json.agents;
    const eventsBefore = (await send(first, "GET", "/events?limit=500")).json.events;
    expect((await send(first, "HEAD", "/heartbeat/greeter")).status).toBe(202);
    await first.close();

    clock.now += 1000;
    const second = await start();
    const strip = (agents: any[]) => agents.map(({ last_seen, ...a }) => a).sort((x, y) => x.id.localeCompare(y.id));
    expect(strip((await send(second, "GET", "/agents")).json.agents)).toEqual(strip(before));
    expect((await send(second, "GET", "/events?limit=500")).json.events).toEqual(eventsBefore);
    expect((await send(second, "HEAD", "/heartbeat/greeter")).status).toBe(202);
    const r = await send(second, "POST", "/heartbeat", consumer);
    expect(r.json.dependencies_resolved.greet[0].agent_id).toBe("date-b");
    await second.close();
    await kind.done(where);
  });
});

describe.skipIf(!hasPostgres)("PostgreSQL replicas starting together", () => {
  it("apply each migration exactly once", async () => {
    const url = (await freshDatabase()) as string;
    const stores = Array.from({ length: 4 }, () => openPostgresStore(url, { poolSize: 1 }));
    await Promise.all(stores.map((s) => s.migrate()));
    const rows = (await stores[0]?.pool.query("SELECT version FROM schema_migrations ORDER BY version"))?.rows ?? [];
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 100, 101]);
    await Promise.all(stores.map((s) => s.close()));
    await dropFresh(url);
  });
});
