// Three registry replicas on one real PostgreSQL behave as one registry: an agent registers on
// A, heartbeats on B and watches on C; pushes cross replicas; HEAD answers 202 to exactly the
// agents whose resolution changed, whichever replica they ask; events and the resolution
// audit read the same from every replica; the health scan runs once (one leader), and another
// replica takes it over when the leader dies.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, tool } from "../../packages/registry/test/fixtures.js";
import { type Cluster, get, head, post, startCluster, waitFor } from "./cluster.js";
import { watch } from "./watch-client.js";

const provider = (id: string, capability: string) => agent(id, [tool("provide", capability)]);
const consumer = (id: string, capability: string) =>
  agent(id, [tool("use", `uses-${capability}`, { dependencies: [{ capability }] })]);
const chosen = (r: any) => r?.dependencies_resolved?.use?.[0];

describe("three replicas on one database", () => {
  let cluster: Cluster;
  let A: string;
  let B: string;
  let C: string;
  beforeAll(async () => {
    // Nobody is marked unhealthy in this suite: its agents send no heartbeats between steps.
    cluster = await startCluster(3, { HEALTH_CHECK_INTERVAL: "3600", DEFAULT_TIMEOUT_THRESHOLD: "3600" });
    [A, B, C] = cluster.replicas.map((r) => r.url) as [string, string, string];
  });
  afterAll(async () => cluster?.stop());

  it("registered on B, watching on C: a provider registered on A is pushed at once", async () => {
    expect((await post(B, consumer("greeter", "date_service"))).json.status).toBe("success");
    const w = await watch(C, "greeter").catch(async () => {
      // C learns of greeter through the feed; a watch opened before that is refused with 404.
      await waitFor(async () => (await get(C, "/agents/greeter")).status === 200, 10_000, "greeter on C");
      return watch(C, "greeter");
    });
    await waitFor(() => w.events.length >= 1, 10_000, "the first watch event");
    expect(chosen(w.events[0])?.status).toBe("unresolved");

    expect((await post(A, provider("date-a", "date_service"))).json.status).toBe("success");
    await waitFor(() => chosen(w.events.at(-1))?.agent_id === "date-a", 10_000, "the push on C");
    for (const url of [A, B, C]) {
      const seen = await waitFor(
        async () => chosen((await get(url, "/agents/greeter")).json.resolution)?.agent_id,
        10_000,
        `greeter's resolution on ${url}`,
      );
      expect(seen).toBe("date-a");
      // C pushed it, so no replica asks greeter to fetch it again.
      await waitFor(async () => (await head(url, "greeter")) === 200, 10_000, `HEAD 200 on ${url}`);
    }
    w.close();
  });

  it("HEAD answers 202 to exactly the consumers whose resolution changed, on every replica", async () => {
    expect((await post(A, consumer("clock-user", "clock"))).json.status).toBe("success");
    expect((await post(B, consumer("weather-user", "weather"))).json.status).toBe("success");
    for (const url of [A, B, C]) {
      await waitFor(async () => (await head(url, "clock-user")) === 200, 10_000, `clock-user known on ${url}`);
    }
    expect((await post(C, provider("clock-1", "clock"))).json.status).toBe("success");
    for (const url of [A, B, C]) {
      await waitFor(async () => (await head(url, "clock-user")) === 202, 10_000, `202 for clock-user on ${url}`);
      expect(await head(url, "weather-user")).toBe(200);
      expect(await head(url, "clock-1")).toBe(200);
    }
    // It fetches its change on B; then no replica has anything more to tell it.
    const again = await post(B, consumer("clock-user", "clock"));
    expect(chosen(again.json)?.agent_id).toBe("clock-1");
    for (const url of [A, B, C]) {
      await waitFor(async () => (await head(url, "clock-user")) === 200, 10_000, `200 for clock-user on ${url}`);
    }
  });

  it("events and the resolution audit read the same from every replica, each written once", async () => {
    const events = await waitFor(
      async () => {
        const lists = await Promise.all([A, B, C].map(async (u) => (await get(u, "/events?limit=500")).json.events));
        const [first, ...rest] = lists.map((l) => JSON.stringify(l));
        return rest.every((l) => l === first) ? lists[0] : undefined;
      },
      10_000,
      "the same events everywhere",
    );
    const registers = events.filter((e: any) => e.event_type === "register").map((e: any) => e.agent_id);
    expect(registers.sort()).toEqual(["clock-1", "clock-user", "date-a", "greeter", "weather-user"]);
    // The audit of greeter's rewiring, written by the replica that made the change, once.
    const audit = events.filter((e: any) => e.event_type === "dependency_resolved" && e.agent_id === "greeter");
    expect(audit.length).toBe(1);
    expect(audit[0].data.chosen.agent_id).toBe("date-a");
  });
});

describe("the health scan across replicas", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(3, { HEALTH_CHECK_INTERVAL: "0.5", DEFAULT_TIMEOUT_THRESHOLD: "3" });
  });
  afterAll(async () => cluster?.stop());

  const urls = () => cluster.replicas.map((r) => r.url);
  const unhealthyEvents = async (url: string, id: string) =>
    (await get(url, `/events?type=unhealthy&agent_id=${id}`)).json.events.length as number;

  it("heartbeats on B and C keep an agent registered on A healthy; a silent one is marked once", async () => {
    const [A, B, C] = urls() as [string, string, string];
    expect((await post(A, provider("steady", "steady_cap"))).json.status).toBe("success");
    expect((await post(A, provider("silent", "silent_cap"))).json.status).toBe("success");
    let beat = 0;
    const beating = setInterval(() => void head(beat++ % 2 ? B : C, "steady").catch(() => {}), 300);
    try {
      for (const url of [A, B, C]) {
        await waitFor(
          async () => (await get(url, "/agents/silent")).json.status === "unhealthy",
          20_000,
          `silent unhealthy on ${url}`,
        );
      }
      // Two more scans' time on every replica: still one event, and steady never marked.
      await new Promise((r) => setTimeout(r, 1500));
      for (const url of [A, B, C]) {
        expect(await unhealthyEvents(url, "silent")).toBe(1);
        expect((await get(url, "/agents/steady")).json.status).toBe("healthy");
        expect(await unhealthyEvents(url, "steady")).toBe(0);
      }
      const leaders = await Promise.all([A, B, C].map(async (u) => (await get(u, "/ready")).json.leader));
      expect(leaders.filter(Boolean).length).toBe(1);
    } finally {
      clearInterval(beating);
    }
  });

  it("when the leader dies another replica takes over the scan", async () => {
    const ready = await Promise.all(cluster.replicas.map(async (r) => (await get(r.url, "/ready")).json.leader));
    const leader = cluster.replicas[ready.indexOf(true)];
    if (!leader) throw new Error("no leader");
    await leader.stop();
    const survivors = cluster.replicas.filter((r) => r !== leader).map((r) => r.url) as [string, string];
    expect((await post(survivors[0], provider("orphan", "orphan_cap"))).json.status).toBe("success");
    for (const url of survivors) {
      await waitFor(
        async () => (await get(url, "/agents/orphan")).json.status === "unhealthy",
        20_000,
        `orphan unhealthy on ${url}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1500));
    for (const url of survivors) expect(await unhealthyEvents(url, "orphan")).toBe(1);
    const leaders = await Promise.all(survivors.map(async (u) => (await get(u, "/ready")).json.leader));
    expect(leaders.filter(Boolean).length).toBe(1);
  });
});

describe("agent ownership across replicas", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(2, {
      HEALTH_CHECK_INTERVAL: "3600",
      DEFAULT_TIMEOUT_THRESHOLD: "3600",
      MCP_MESH_REGISTRY_TOKEN: "token-team-a-1111,token-team-b-2222",
    });
  });
  afterAll(async () => cluster?.stop());

  it("an agent registered with one token on A cannot be taken over with another on B", async () => {
    const [A, B] = cluster.replicas.map((r) => r.url) as [string, string];
    const teamA = { authorization: "Bearer token-team-a-1111" };
    const teamB = { authorization: "Bearer token-team-b-2222" };
    expect((await post(A, provider("billing-1", "billing"), teamA)).json.status).toBe("success");
    await waitFor(async () => (await head(B, "billing-1", teamA)) === 200, 10_000, "billing-1 on B");
    await waitFor(async () => (await head(B, "billing-1", teamB)) === 403, 10_000, "B knows the owner");
    const taken = await post(B, provider("billing-1", "billing"), teamB);
    expect(taken.status).toBe(403);
    expect(taken.json.error).toMatch(/registered by another credential/);
    expect((await post(B, provider("billing-1", "billing"), teamA)).json.status).toBe("success");
  });
});
