// Session affinity on real processes and a real Redis (scripts/redis.mjs brings one up): three
// replicas and many sessions, a replica killed under load, two consumers agreeing through Redis,
// and Redis going down under load.
import { createClient } from "redis";
import { afterAll, describe, expect, it } from "vitest";
import { type RedisServer, startOwnRedis } from "../../../scripts/redis.mjs";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

const procs: AgentProcess[] = [];
const registries: RegistryProcess[] = [];
const redises: RedisServer[] = [];
afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.kill()));
  await Promise.allSettled(registries.map((r) => r.stop()));
  await Promise.allSettled(redises.map((r) => r.stop()));
});

async function start(file: string, env: Record<string, string>) {
  const p = await startAgentProcess(file, env);
  procs.push(p);
  return p;
}

/** A registry, an own Redis and `replicas` providers answering "<name>:S". */
async function mesh(replicas: string[]) {
  const redis = await startOwnRedis();
  if (!redis) throw new Error("no Redis (scripts/redis.mjs)");
  redises.push(redis);
  const registry = await startOurRegistry();
  registries.push(registry);
  const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1", REDIS_URL: redis.url };
  const reps = new Map<string, AgentProcess>();
  for (const r of replicas) reps.set(r, await start("provider.mjs", { ...env, AGENT_NAME: `rep-${r}`, REPLY: r }));
  return { redis, env, reps };
}

/** Waits until the consumer's calls reach all `n` replicas (each replica wired). */
async function wired(url: string, n: number) {
  const seen = new Set<string>();
  let i = 0;
  await waitFor(
    async () => {
      const t = await callText(url, "ask", { session_id: `warm-${i++}` });
      if (t.includes(":S")) seen.add(t.split(":")[0] as string);
      return seen.size === n ? true : undefined;
    },
    15_000,
    `calls reaching ${n} replicas`,
  );
}

const replicaOf = (answer: string) => answer.split(":")[0] as string;

describe("session affinity", () => {
  it("three replicas, many sessions: each session always hits one replica, sessions spread; kill -9 moves its sessions with zero failed calls", async () => {
    const { env, reps } = await mesh(["a", "b", "c"]);
    const consumer = await start("session-consumer.mjs", { ...env, AGENT_NAME: "sess" });
    await wired(consumer.url, 3);
    const sessions = Array.from({ length: 60 }, (_, i) => `s-${i}`);
    const home = new Map<string, string>();
    for (let round = 0; round < 4; round++)
      await Promise.all(
        sessions.map(async (sid) => {
          const r = replicaOf(await callText(consumer.url, "ask", { session_id: sid }));
          if (home.has(sid)) expect(r, `session ${sid}`).toBe(home.get(sid));
          else home.set(sid, r);
        }),
      );
    const perReplica = new Map<string, number>();
    for (const r of home.values()) perReplica.set(r, (perReplica.get(r) ?? 0) + 1);
    expect([...perReplica.keys()].sort()).toEqual(["a", "b", "c"]);
    for (const n of perReplica.values()) expect(n).toBeGreaterThanOrEqual(5);

    // Kill one replica while every session keeps calling.
    let failures = 0;
    let calls = 0;
    let stop = false;
    const after = new Map<string, Set<string>>();
    let killed = false;
    const worker = async (w: number) => {
      for (let i = w; !stop; i += 8) {
        const sid = sessions[i % sessions.length] as string;
        const t = await callText(consumer.url, "ask", { session_id: sid }).catch((e) => `error ${e}`);
        calls++;
        if (!/^[abc]:S\|/.test(t)) failures++;
        else if (killed) {
          const set = after.get(sid) ?? new Set<string>();
          set.add(replicaOf(t));
          after.set(sid, set);
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    await waitFor(() => (calls >= 100 ? true : undefined), 20_000, "100 calls before the kill");
    await reps.get("a")?.kill();
    const atKill = calls;
    await waitFor(() => (calls - atKill >= 300 ? true : undefined), 30_000, "300 calls after the kill");
    killed = true; // from here on, the sessions' homes must be stable again
    const settled = calls;
    await waitFor(() => (calls - settled >= 300 ? true : undefined), 30_000, "300 more calls");
    stop = true;
    await Promise.all(workers);
    expect(failures).toBe(0);
    for (const [sid, seen] of after) {
      expect(seen.size, `session ${sid} after the move`).toBe(1);
      const was = home.get(sid);
      if (was !== "a") expect([...seen][0], `session ${sid} kept its replica`).toBe(was);
      else expect(["b", "c"]).toContain([...seen][0]);
    }
    // The consumer's code was told about the moves.
    const moved = [...home.entries()].find(([, r]) => r === "a")?.[0] as string;
    expect(await callText(consumer.url, "ask", { session_id: moved })).not.toMatch(/moves=0$/);
  }, 120_000);

  it("two consumer processes agree through Redis, even where hashing alone would differ", async () => {
    const { env, reps } = await mesh(["a", "b"]);
    const first = await start("session-consumer.mjs", { ...env, AGENT_NAME: "sess-1" });
    await wired(first.url, 2);
    const sessions = Array.from({ length: 40 }, (_, i) => `t-${i}`);
    const home = new Map<string, string>();
    for (const sid of sessions) home.set(sid, replicaOf(await callText(first.url, "ask_by_option", { sid })));
    // A third replica joins: a fresh consumer's hashing would give it about a third of the
    // sessions; the assignments in Redis keep them where they are.
    reps.set("c", await start("provider.mjs", { ...env, AGENT_NAME: "rep-c", REPLY: "c" }));
    const second = await start("session-consumer.mjs", { ...env, AGENT_NAME: "sess-2" });
    await wired(second.url, 3);
    for (const sid of sessions)
      expect(replicaOf(await callText(second.url, "ask_by_option", { sid })), `session ${sid}`).toBe(home.get(sid));
    // New sessions do reach the new replica.
    const fresh = new Set<string>();
    for (let i = 0; i < 30; i++) fresh.add(replicaOf(await callText(second.url, "ask_by_option", { sid: `new-${i}` })));
    expect(fresh.has("c")).toBe(true);
  }, 120_000);

  it("Redis down under load: in-memory fallback, no failed call, sessions stay put", async () => {
    const { redis, env } = await mesh(["a", "b", "c"]);
    const consumer = await start("session-consumer.mjs", {
      ...env,
      AGENT_NAME: "sess-nored",
      MCP_MESH_LOG_LEVEL: "info",
    });
    await wired(consumer.url, 3);
    const sessions = Array.from({ length: 30 }, (_, i) => `r-${i}`);
    const home = new Map<string, string>();
    for (const sid of sessions) home.set(sid, replicaOf(await callText(consumer.url, "ask", { session_id: sid })));
    let failures = 0;
    let calls = 0;
    let stop = false;
    const worker = async (w: number) => {
      for (let i = w; !stop; i += 4) {
        const sid = sessions[i % sessions.length] as string;
        const t = await callText(consumer.url, "ask", { session_id: sid }).catch((e) => `error ${e}`);
        calls++;
        if (!/^[abc]:S\|/.test(t) || replicaOf(t) !== home.get(sid)) failures++;
      }
    };
    const workers = Array.from({ length: 4 }, (_, w) => worker(w));
    await waitFor(() => (calls >= 50 ? true : undefined), 20_000, "50 calls before Redis stops");
    await redis.stop();
    const atStop = calls;
    await waitFor(() => (calls - atStop >= 300 ? true : undefined), 30_000, "300 calls with Redis down");
    // Sessions seen for the first time while Redis is down work too.
    for (let i = 0; i < 10; i++)
      expect(await callText(consumer.url, "ask", { session_id: `down-${i}` })).toMatch(/^[abc]:S\|/);
    stop = true;
    await Promise.all(workers);
    expect(failures).toBe(0);
    const log = consumer.output();
    expect(log.match(/Redis unavailable/g)?.length).toBe(1);
  }, 120_000);

  it("Redis back: assignments are written there again, scoped by namespace and capability, with the TTL", async () => {
    const { redis, env } = await mesh(["a", "b"]);
    const consumer = await start("session-consumer.mjs", {
      ...env,
      AGENT_NAME: "sess-back",
      MCP_MESH_LOG_LEVEL: "info",
      MCP_MESH_SESSION_TTL: "120",
    });
    await wired(consumer.url, 2);
    await redis.stop();
    expect(await callText(consumer.url, "ask", { session_id: "while-down" })).toMatch(/^[ab]:S\|/);
    const back = await startOwnRedis(redis.port);
    if (!back) throw new Error("Redis did not come back");
    redises.push(back);
    await waitFor(
      () => (/Redis is back/.test(consumer.output()) ? true : undefined),
      20_000,
      "the 'Redis is back' log line",
    );
    const answer = replicaOf(await callText(consumer.url, "ask", { session_id: "after-return" }));
    const client = createClient({ url: back.url });
    await client.connect();
    try {
      const key = "mcp-mesh:session:default:date_service:after-return";
      const holder = await client.get(key);
      expect(holder).toMatch(new RegExp(`^rep-${answer}-`));
      const ttl = await client.ttl(key);
      expect(ttl).toBeGreaterThan(100);
      expect(ttl).toBeLessThanOrEqual(120);
    } finally {
      client.destroy();
    }
  }, 120_000);
});
