// Session affinity for streams: a chat session that streams its answers must keep landing on
// the replica that holds its state, exactly as its plain calls do. Two replicas of a streaming
// tool in one process (real HTTP on loopback, sessions in memory: no REDIS_URL here).
import type { McpMeshTool } from "@mcp-mesh/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestMesh, providers, type TestMesh, waitForDependency } from "../src/testing/index.js";

async function text(it: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const c of it) out += c;
  return out;
}

describe("dep.stream() with a session", () => {
  let m: TestMesh;
  let who: McpMeshTool | null = null;
  let byArg: McpMeshTool | null = null;
  let consumerUrl = "";

  beforeAll(async () => {
    m = await createTestMesh();
    for (const name of ["replica-a", "replica-b"]) {
      const replica = m.agent({ name });
      replica.tool({
        name: "who_streams",
        capability: "who",
        input: { session_id: z.string().optional() },
        async *handler() {
          yield `${name} `;
          yield "answers";
        },
      });
    }
    const consumer = m.agent({ name: "session-consumer" });
    consumer.tool({
      name: "grab",
      dependencies: { who: "who", byArg: { capability: "who", session: true } },
      handler: (_a, deps) => {
        who = deps.who;
        byArg = deps.byArg;
        return "ok";
      },
    });
    await m.start();
    await waitForDependency(consumer, "who");
    for (let i = 0; providers(consumer, "who").length < 2; i++) {
      if (i > 200) throw new Error("both replicas never got wired");
      await new Promise((r) => setTimeout(r, 50));
    }
    await consumer.callLocal("grab");
    consumerUrl = consumer.url as string;
  });
  afterAll(() => m.close());

  it("every stream of one session comes from one replica, and sessions spread over both", async () => {
    if (!who) throw new Error("not wired");
    const seen = new Map<string, Set<string>>();
    for (let s = 0; s < 12; s++) {
      const id = `chat-${s}`;
      for (let round = 0; round < 3; round++) {
        const answer = await text(who.stream({}, { sessionId: id }));
        expect(answer).toMatch(/^replica-[ab] answers$/);
        seen.set(id, (seen.get(id) ?? new Set()).add(answer));
      }
    }
    for (const [id, answers] of seen) expect(answers.size, id).toBe(1);
    const replicas = new Set([...seen.values()].map((a) => [...a][0]));
    expect(replicas.size).toBe(2);
  });

  it("a session: true dependency takes the session from the session_id argument", async () => {
    if (!byArg) throw new Error("not wired");
    for (let s = 0; s < 6; s++) {
      const first = await text(byArg.stream({ session_id: `arg-${s}` }));
      for (let round = 0; round < 3; round++) expect(await text(byArg.stream({ session_id: `arg-${s}` }))).toBe(first);
    }
  });

  it("counts session routes (new, hit), stream chunks and the in-memory fallback in /metrics", async () => {
    if (!who) throw new Error("not wired");
    const url = consumerUrl;
    const scrape = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const num = (re: RegExp) => Number(text.match(re)?.[1] ?? 0);
      return {
        fresh: num(/^mcp_mesh_session_routes_total\{capability="who",result="new"[^}]*\} (\d+)$/m),
        hit: num(/^mcp_mesh_session_routes_total\{capability="who",result="hit"[^}]*\} (\d+)$/m),
        chunks: num(/^mcp_mesh_dependency_stream_chunks_total\{capability="who"[^}]*\} (\d+)$/m),
        memory: text.match(/^mcp_mesh_session_store_memory_fallback\{[^}]*\} (\d+)$/m)?.[1],
      };
    };
    const before = await scrape();
    for (const id of ["metrics-1", "metrics-2"])
      for (let round = 0; round < 3; round++) await text(who.stream({}, { sessionId: id }));
    const after = await scrape();
    expect(after.fresh - before.fresh).toBe(2);
    expect(after.hit - before.hit).toBe(4);
    expect(after.chunks - before.chunks).toBe(12); // two chunks per stream
    expect(after.memory).toBe("1"); // no REDIS_URL here
  });
});
