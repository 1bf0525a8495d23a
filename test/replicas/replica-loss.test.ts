// A replica killed under load. Agents are given every replica's URL (MCP_MESH_REGISTRY_URL,
// comma-separated) and move to another when theirs dies; calls between them never pass
// through the registry, so they keep working; nothing registered is lost (it is in the
// database) and no replica writes a health event for agents that only changed replica.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, callText, startAgentProcess } from "../../packages/sdk/test/agent-processes.js";
import { type Cluster, get, startCluster, waitFor } from "./cluster.js";

describe("a replica killed under load", () => {
  let cluster: Cluster;
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    // A scan every second; the threshold is the default's 20 s order, so an agent that moved
    // is never silent long enough, even on a busy machine.
    cluster = await startCluster(3, { HEALTH_CHECK_INTERVAL: "1", DEFAULT_TIMEOUT_THRESHOLD: "15" });
  });
  afterAll(async () => {
    for (const a of agents) await a.kill();
    await cluster?.stop();
  });

  it("agents move, calls keep working, nothing is lost, no health event is written", async () => {
    const [A, B, C] = cluster.replicas as [
      (typeof cluster.replicas)[0],
      (typeof cluster.replicas)[0],
      (typeof cluster.replicas)[0],
    ];
    const beat = { MCP_MESH_HEALTH_INTERVAL: "1" };
    // Both start on A (the first URL): killing A makes both move.
    const urls = [A.url, B.url, C.url].join(",");
    const provider = await startAgentProcess("provider.mjs", {
      ...beat,
      MCP_MESH_REGISTRY_URL: urls,
      MCP_MESH_AGENT_ID: "date-1",
      AGENT_NAME: "date",
    });
    agents.push(provider);
    const consumer = await startAgentProcess("consumer.mjs", {
      ...beat,
      MCP_MESH_REGISTRY_URL: urls,
      MCP_MESH_AGENT_ID: "greeter-1",
    });
    agents.push(consumer);
    await waitFor(async () => (await callText(consumer.url, "hello")).includes("date:CET"), 20_000, "greeter wired");

    let ok = 0;
    const failures: string[] = [];
    let running = true;
    const load = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          const text = await callText(consumer.url, "hello");
          if (text.includes("date:CET")) ok++;
          else failures.push(text);
        } catch (e) {
          failures.push(String(e));
        }
      }
    });

    await waitFor(() => ok >= 20, 20_000, "calls under load");
    const killedAt = Date.now();
    process.kill(A.pid, "SIGKILL");
    await A.stop();
    const atKill = ok;
    await waitFor(() => ok >= atKill + 20, 20_000, "calls after the replica died");
    // Both agents heartbeat on a surviving replica now (the moves are logged at info).
    const heartbeatsSince = async (url: string, id: string) => {
      const a = (await get(url, `/agents/${id}`)).json;
      return a?.status === "healthy" && Date.parse(a.last_seen) > killedAt ? a : undefined;
    };
    for (const id of ["date-1", "greeter-1"]) {
      await waitFor(() => heartbeatsSince(B.url, id), 30_000, `${id} heartbeating after the kill`);
    }
    // Several scans by whichever replica leads now (a new one, if A led): nobody is marked.
    await new Promise((r) => setTimeout(r, 6000));
    running = false;
    await Promise.all(load);

    expect(failures).toEqual([]);
    for (const url of [B.url, C.url]) {
      const listed = (await get(url, "/agents")).json.agents.map((a: any) => [a.id, a.status]);
      expect(listed.sort()).toEqual([
        ["date-1", "healthy"],
        ["greeter-1", "healthy"],
      ]);
      const events = (await get(url, "/events?limit=500")).json.events;
      const health = events.filter((e: any) => e.event_type === "unhealthy" || e.event_type === "unregister");
      expect(health).toEqual([]);
      const registers = events.filter((e: any) => e.event_type === "register").map((e: any) => e.agent_id);
      expect(registers.sort()).toEqual(["date-1", "greeter-1"]);
    }
  });
});
