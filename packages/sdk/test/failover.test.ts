// Real processes: replicas behind one capability, a crash in the middle of a stream of calls,
// and the registry going away and coming back.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../test/interop/processes.js";
import { callText, processScope, startOurRegistryAt, waitFor } from "./agent-processes.js";

const { start, registry: startRegistry } = processScope();

describe("fail-over across equal providers", () => {
  it("spreads calls over replicas, and kill -9 of one costs 0 failed calls", async () => {
    const registry = await startRegistry();
    const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    const a = await start("provider.mjs", { ...env, AGENT_NAME: "rep-a", REPLY: "a" });
    await start("provider.mjs", { ...env, AGENT_NAME: "rep-b", REPLY: "b" });
    const consumer = await start("consumer.mjs", { ...env, AGENT_NAME: "spread" });
    // Both replicas answer (round-robin over the primary and its equal alternative).
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const t = await callText(consumer.url, "hello");
        if (t.includes(":CET")) seen.add(t);
        return seen.size === 2 ? true : undefined;
      },
      5000,
      "calls answered by both replicas",
    );

    let failures = 0;
    let calls = 0;
    let stop = false;
    const stream = async () => {
      while (!stop) {
        const t = await callText(consumer.url, "hello").catch((e) => `error ${e}`);
        calls++;
        if (!t.startsWith("Hello world! ")) failures++;
        if (t.includes("no date service")) failures++;
      }
    };
    const workers = Array.from({ length: 8 }, stream);
    await new Promise((r) => setTimeout(r, 300));
    await a.kill(); // SIGKILL: no unregister, sockets reset
    // A count of calls after the kill, not a duration: a busy machine makes fewer per second.
    const atKill = calls;
    await waitFor(() => (calls - atKill >= 200 ? true : undefined), 20_000, "200 calls after the kill");
    stop = true;
    await Promise.all(workers);
    expect(failures).toBe(0);
    expect(await callText(consumer.url, "hello")).toBe("Hello world! b:CET");
  }, 30_000);
});

describe("the registry goes away", () => {
  it("calls keep working while it is down; agents are back in /agents within one heartbeat interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mesh-sdk-restart-"));
    const port = await freePort();
    let registry = await startOurRegistryAt(port, join(dir, "first.db"));
    const kills = [registry.kill];
    const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "2" };
    await start("provider.mjs", { ...env, AGENT_NAME: "steady", REPLY: "steady" });
    const consumer = await start("consumer.mjs", { ...env, AGENT_NAME: "steady-user" });
    await waitFor(
      async () => ((await callText(consumer.url, "hello")).includes("steady:") ? true : undefined),
      5000,
      "wired",
    );

    await registry.kill();
    await new Promise((r) => setTimeout(r, 2500)); // a heartbeat or two fail meanwhile
    for (let i = 0; i < 50; i++) expect(await callText(consumer.url, "hello")).toBe("Hello world! steady:CET");

    // A new, empty registry on the same address: agents must register again by themselves.
    registry = await startOurRegistryAt(port, join(dir, "second.db"));
    kills.push(registry.kill);
    const t0 = Date.now();
    const names = await waitFor(
      async () => {
        const res = await fetch(`${registry.url}/agents`).then(
          (r) => r.json() as Promise<{ agents: { name: string; status: string }[] }>,
        );
        const healthy = (res.agents ?? []).filter((a) => a.status === "healthy").map((a) => a.name);
        return healthy.includes("steady") && healthy.includes("steady-user") ? healthy : undefined;
      },
      6000,
      "agents back in /agents",
    );
    expect(names.sort()).toEqual(["steady", "steady-user"]);
    expect(Date.now() - t0).toBeLessThan(2000 + 700); // one interval (+ jitter of the backoff)
    expect(await callText(consumer.url, "hello")).toBe("Hello world! steady:CET");
    await Promise.all(kills.map((k) => k()));
    rmSync(dir, { recursive: true, force: true });
  }, 40_000);
});
