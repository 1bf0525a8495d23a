// A replica killed under load. Agents talk to each other directly (the registry is not in the
// data path), so calls keep working while a replica dies; the agent that heartbeated to the
// dead replica moves to a surviving one (here by restarting it with the same agent id pointed
// at replica C: multi-URL failover in the SDK is another branch's work), no registration is
// lost, and no replica writes a duplicate health event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AgentProcess, callText, startAgentProcess } from "../../packages/sdk/test/agent-processes.js";
import { type Cluster, get, startCluster, waitFor } from "./cluster.js";

describe("a replica killed under load", () => {
  let cluster: Cluster;
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    // The health scan runs every second; the threshold leaves the moving agent time to restart
    // on a busy machine (silent meanwhile: it heartbeated to the dead replica).
    cluster = await startCluster(3, { HEALTH_CHECK_INTERVAL: "1", DEFAULT_TIMEOUT_THRESHOLD: "15" });
  });
  afterAll(async () => {
    for (const a of agents) await a.kill();
    await cluster?.stop();
  });

  it("calls keep working, the agent moves, nothing is lost, no health event is written twice", async () => {
    const [A, B, C] = cluster.replicas as [
      (typeof cluster.replicas)[0],
      (typeof cluster.replicas)[0],
      (typeof cluster.replicas)[0],
    ];
    const beat = { MCP_MESH_HEALTH_INTERVAL: "1" };
    const provider = await startAgentProcess("provider.mjs", {
      ...beat,
      MCP_MESH_REGISTRY_URL: A.url,
      MCP_MESH_AGENT_ID: "date-1",
      AGENT_NAME: "date",
      REPLY: "one",
    });
    agents.push(provider);
    const consumer = await startAgentProcess("consumer.mjs", {
      ...beat,
      MCP_MESH_REGISTRY_URL: B.url,
      MCP_MESH_AGENT_ID: "greeter-1",
    });
    agents.push(consumer);
    await waitFor(async () => (await callText(consumer.url, "hello")).includes("one:CET"), 20_000, "greeter wired");

    let ok = 0;
    const failures: string[] = [];
    let running = true;
    const load = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          const text = await callText(consumer.url, "hello");
          if (/(one|two):CET/.test(text)) ok++;
          else failures.push(text);
        } catch (e) {
          failures.push(String(e));
        }
      }
    });

    await waitFor(() => ok >= 20, 20_000, "calls under load");
    process.kill(A.pid, "SIGKILL");
    await A.stop();
    const atKill = ok;
    await waitFor(() => ok >= atKill + 20, 20_000, "calls after the replica died");

    // The provider moves to C: a new process with the same agent id; the old one serves until
    // the consumer is re-wired to the new one, then goes.
    const moved = await startAgentProcess("provider.mjs", {
      ...beat,
      MCP_MESH_REGISTRY_URL: C.url,
      MCP_MESH_AGENT_ID: "date-1",
      AGENT_NAME: "date",
      REPLY: "two",
    });
    agents.push(moved);
    await waitFor(async () => (await callText(consumer.url, "hello")).includes("two:CET"), 20_000, "re-wired to C");
    await provider.kill();
    const atMove = ok;
    await waitFor(() => ok >= atMove + 20, 20_000, "calls after the move");
    // Several scans by whichever replica leads now (maybe a new leader, if A led): nobody that
    // heartbeats is marked, on any replica.
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
