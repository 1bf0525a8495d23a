// PostgreSQL goes away under two replicas and comes back: while it is down /ready answers 503
// and writes answer 503 store_unavailable (as on SQLite), reads keep answering from memory;
// once it is back the replicas recover by themselves: ready, writing, and pushing each other
// changes again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, tool } from "../../packages/registry/test/fixtures.js";
import type { OwnPostgresServer } from "../../scripts/postgres.mjs";
import { type Cluster, get, head, post, startCluster, waitFor } from "./cluster.js";

const provider = (id: string) => agent(id, [tool("get_date", "date_service")]);
const consumer = agent("greeter", [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]);

describe("a PostgreSQL restart under two replicas", () => {
  let cluster: Cluster;
  let A: string;
  let B: string;
  beforeAll(async () => {
    cluster = await startCluster(2, { HEALTH_CHECK_INTERVAL: "3600", DEFAULT_TIMEOUT_THRESHOLD: "3600" }, true);
    [A, B] = cluster.replicas.map((r) => r.url) as [string, string];
  });
  afterAll(async () => cluster?.stop());

  it("answers 503 while the database is down and recovers by itself when it is back", async () => {
    expect((await post(A, provider("date-a"))).json.status).toBe("success");
    await waitFor(async () => (await get(B, "/agents/date-a")).status === 200, 10_000, "date-a on B");
    expect((await post(B, consumer)).json.dependencies_resolved.greet[0].agent_id).toBe("date-a");
    await waitFor(async () => (await get(A, "/agents/greeter")).status === 200, 10_000, "greeter on A");
    const pg = cluster.pg as OwnPostgresServer;

    await pg.stop();
    for (const url of [A, B]) {
      const ready = await waitFor(
        async () => {
          const r = await get(url, "/ready");
          return r.status === 503 ? r.json : undefined;
        },
        20_000,
        `/ready 503 on ${url}`,
      );
      expect(ready.ready).toBe(false);
      const refused = await post(url, provider("date-b"));
      expect(refused.status).toBe(503);
      expect(refused.json.error).toBe("registry store unavailable (postgres): nothing was changed, retry later");
      // Memory still answers: the mesh keeps its wiring while the database is away.
      expect((await get(url, "/agents/greeter")).json.status).toBe("healthy");
      expect(await head(url, "greeter")).toBe(200);
    }

    await pg.start();
    for (const url of [A, B]) {
      await waitFor(async () => (await get(url, "/ready")).status === 200, 30_000, `/ready 200 on ${url}`);
    }
    // Writes work again, and the change feed too: B learns of a provider registered on A.
    const registered = await waitFor(
      async () => {
        const r = await post(A, provider("date-b"));
        return r.status === 200 ? r.json : undefined;
      },
      30_000,
      "a registration on A",
    );
    expect(registered.status).toBe("success");
    await waitFor(async () => (await get(B, "/agents/date-b")).status === 200, 20_000, "date-b on B");
    const del = await fetch(`${A}/agents/date-a`, { method: "DELETE" });
    expect(del.status).toBe(204);
    const rewired = await waitFor(
      async () => {
        const r = (await get(B, "/agents/greeter")).json.resolution?.dependencies_resolved?.greet?.[0];
        return r?.agent_id === "date-b" ? r : undefined;
      },
      20_000,
      "greeter re-wired on B",
    );
    expect(rewired.status).toBe("available");
  });
});
