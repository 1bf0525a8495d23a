// The session router on its own (memory or a recording store): spread, stickiness, moves and
// their reasons, key scoping, bad session ids.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { SessionMove } from "../types.js";
import type { Provider, Slot } from "../wiring.js";
import { rankForSession } from "./rendezvous.js";
import { createSessionRouter } from "./router.js";
import { type AssignmentStore, createMemoryStore } from "./store.js";

const logger = pino({ level: "silent" });
const provider = (id: string): Provider => ({
  agentId: id,
  functionName: "f",
  endpoint: `http://${id}`,
  kwargs: undefined,
});

function slot(capability: string, ids: string[], equalCount = ids.length): Slot {
  return {
    kind: "dependency",
    tool: "t",
    spec: { capability } as Slot["spec"],
    target: { providers: ids.map(provider), equalCount },
    cursor: 0,
    fake: undefined,
    proxy: undefined as never,
  };
}

function router(store: AssignmentStore = createMemoryStore(), namespace = "default") {
  return createSessionRouter({ store, namespace, ttlSeconds: 60, logger });
}

describe("session router", () => {
  it("keeps a session on one replica and spreads sessions over all of them", async () => {
    const r = router();
    const s = slot("svc", ["a", "b", "c"]);
    const count = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const first = (await r.route(s, `s${i}`, s.target.providers, 3, undefined)).order[0]?.agentId as string;
      count.set(first, (count.get(first) ?? 0) + 1);
      for (let k = 0; k < 3; k++) {
        const order = [...s.target.providers].reverse(); // whatever the rotation says
        expect((await r.route(s, `s${i}`, order, 3, undefined)).order[0]?.agentId).toBe(first);
      }
    }
    for (const id of ["a", "b", "c"]) expect(count.get(id)).toBeGreaterThan(60);
  });

  it("moves a session whose replica left or is ejected, and says why", async () => {
    const r = router();
    const moves: SessionMove[] = [];
    const all = slot("svc", ["a", "b", "c"]);
    const sid = "moving";
    const home = (await r.route(all, sid, all.target.providers, 3, undefined)).order[0] as Provider;
    const others = all.target.providers.filter((p) => p !== home);
    // Ejected: still wired, but listed after the live ones.
    const ejectedOrder = [...others, home];
    const moved = await r.route(all, sid, ejectedOrder, 2, (m) => moves.push(m));
    expect(moved.order[0]?.agentId).not.toBe(home.agentId);
    expect(moves).toEqual([
      { sessionId: sid, capability: "svc", from: home.agentId, to: moved.order[0]?.agentId, reason: "ejected" },
    ]);
    // The new home sticks even when the old replica is live again.
    expect((await r.route(all, sid, all.target.providers, 3, undefined)).order[0]?.agentId).toBe(
      moved.order[0]?.agentId,
    );
    // Left: gone from the wiring.
    const now = moved.order[0] as Provider;
    const rest = slot(
      "svc",
      all.target.providers.filter((p) => p.agentId !== now.agentId).map((p) => p.agentId),
    );
    const again = await r.route(rest, sid, rest.target.providers, 2, (m) => moves.push(m));
    expect(moves[1]).toMatchObject({ from: now.agentId, to: again.order[0]?.agentId, reason: "left" });
  });

  it("a call answered by another replica than assigned moves the session there (reason failed)", async () => {
    const r = router();
    const s = slot("svc", ["a", "b"]);
    const moves: SessionMove[] = [];
    const route = await r.route(s, "x", s.target.providers, 2, (m) => moves.push(m));
    const other = route.order[1] as Provider;
    route.answered(other);
    expect(moves[0]).toMatchObject({ from: route.order[0]?.agentId, to: other.agentId, reason: "failed" });
    expect((await r.route(s, "x", s.target.providers, 2, undefined)).order[0]?.agentId).toBe(other.agentId);
  });

  it("prefers equal replicas, and keeps the ranked fall-backs after them", async () => {
    const r = router();
    const s = slot("svc", ["a", "b", "fallback"], 2);
    for (let i = 0; i < 50; i++) {
      const { order } = await r.route(s, `e${i}`, s.target.providers, 3, undefined);
      expect(order[2]?.agentId).toBe("fallback");
    }
  });

  it("scopes keys by namespace and capability", async () => {
    const keys: string[] = [];
    const memory = createMemoryStore();
    const recording: AssignmentStore = {
      ...memory,
      get: (k, t) => {
        keys.push(k);
        return memory.get(k, t);
      },
    };
    await router(recording, "team-a").route(slot("svc", ["a"]), "same", [provider("a")], 1, undefined);
    await router(recording, "team-b").route(slot("svc", ["b"]), "same", [provider("b")], 1, undefined);
    await router(recording, "team-a").route(slot("other", ["c"]), "same", [provider("c")], 1, undefined);
    expect(keys).toEqual([
      "mcp-mesh:session:team-a:svc:same",
      "mcp-mesh:session:team-b:svc:same",
      "mcp-mesh:session:team-a:other:same",
    ]);
  });

  it("a session's repeated calls cost no store round-trip; a due refresh does not hold up the call", async () => {
    let reads = 0;
    let release: () => void = () => {};
    const memory = createMemoryStore();
    const slow: AssignmentStore = {
      ...memory,
      get: async (k, t) => {
        reads++;
        if (reads > 1) await new Promise<void>((r) => (release = r)); // a refresh that hangs
        return memory.get(k, t);
      },
    };
    const r = createSessionRouter({ store: slow, namespace: "default", ttlSeconds: 0.2, logger }); // refresh every 50 ms
    const s = slot("svc", ["a", "b"]);
    const home = (await r.route(s, "warm", s.target.providers, 2, undefined)).order[0]?.agentId;
    for (let i = 0; i < 100; i++)
      expect((await r.route(s, "warm", s.target.providers, 2, undefined)).order[0]?.agentId).toBe(home);
    expect(reads).toBe(1);
    await new Promise((res) => setTimeout(res, 60));
    // Due for a refresh, and the store hangs: the call is answered from the cache anyway.
    expect((await r.route(s, "warm", s.target.providers, 2, undefined)).order[0]?.agentId).toBe(home);
    expect(reads).toBe(2);
    release();
  });

  it("refuses an empty or oversized session id with a clear error", async () => {
    const r = router();
    const s = slot("svc", ["a"]);
    await expect(r.route(s, "", s.target.providers, 1, undefined)).rejects.toMatchObject({ code: "validation_failed" });
    await expect(r.route(s, "x".repeat(513), s.target.providers, 1, undefined)).rejects.toThrow(/at most 512/);
  });

  it("rendezvous ranking is deterministic and moves only the sessions of a replica that leaves", () => {
    const abc = ["a", "b", "c"].map(provider);
    const ab = ["a", "b"].map(provider);
    for (let i = 0; i < 200; i++) {
      const full = rankForSession(`k${i}`, abc)[0]?.agentId;
      const less = rankForSession(`k${i}`, ab)[0]?.agentId;
      if (full !== "c") expect(less).toBe(full);
    }
  });
});
