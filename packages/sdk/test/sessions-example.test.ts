// examples/sessions as real processes: a conversation keeps its history on one replica, and
// moves (with `moved: true`, history gone) when that replica is killed.
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

const example = (f: string) => fileURLToPath(new URL(`../../../examples/sessions/${f}`, import.meta.url));
const procs: AgentProcess[] = [];
let registry: RegistryProcess | undefined;
afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.kill()));
  await registry?.stop();
});

describe("examples/sessions", () => {
  it("keeps a conversation on one replica and says when it moved", async () => {
    registry = await startOurRegistry();
    const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    const counters = new Map<string, AgentProcess>();
    for (const name of ["counter-1", "counter-2"]) {
      const p = await startAgentProcess(example("counter.mjs"), { ...env, AGENT_NAME: name });
      procs.push(p);
      counters.set(name, p);
    }
    const chat = await startAgentProcess(example("chat.mjs"), env);
    procs.push(chat);
    const say = async (session_id: string, message: string) =>
      JSON.parse(await callText(chat.url, "chat", { session_id, message }));
    // Wired to both replicas.
    const seen = new Set<string>();
    let i = 0;
    await waitFor(
      async () => {
        const r = await say(`warm-${i++}`, "hi");
        if (r.replica) seen.add(r.replica);
        return seen.size === 2 ? true : undefined;
      },
      15_000,
      "both counter replicas",
    );
    const first = await say("alice", "hello");
    expect(first).toMatchObject({ turn: 1, earlier: [], moved: false });
    expect(await say("alice", "how are you")).toMatchObject({ replica: first.replica, turn: 2, earlier: ["hello"] });
    expect(await say("alice", "bye")).toMatchObject({ replica: first.replica, turn: 3 });

    await counters.get(first.replica)?.kill();
    const after = await say("alice", "still there?");
    expect(after.replica).not.toBe(first.replica);
    expect(after).toMatchObject({ turn: 1, moved: true });
    expect(await say("alice", "ok")).toMatchObject({ replica: after.replica, turn: 2, moved: false });
  }, 60_000);
});
