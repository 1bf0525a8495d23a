// Real processes: agents given two registries (two of ours, independent SQLite files) keep the
// mesh working when the first is killed: they re-register on the second, calls between them
// never stop, new wiring still arrives through the second, and meshctl skips the dead one; a
// registry answering 503, or one that hangs, is left as well.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { callText, processScope, waitFor } from "./agent-processes.js";

const MESHCTL = fileURLToPath(new URL("../../cli/bin/meshctl.js", import.meta.url));

const { start, registry } = processScope();

async function healthyNames(registryUrl: string): Promise<string[]> {
  const res = await fetch(`${registryUrl}/agents`);
  const body = (await res.json()) as { agents: { name: string; status: string }[] | null };
  return (body.agents ?? [])
    .filter((a) => a.status === "healthy")
    .map((a) => a.name)
    .sort();
}

describe("several registries", () => {
  it("kill the first registry: agents move to the second, calls keep working, new wiring arrives there", async () => {
    const first = await registry();
    const second = await registry();
    const env = { MCP_MESH_REGISTRY_URL: `${first.url},${second.url}`, MCP_MESH_HEALTH_INTERVAL: "1" };
    await start("provider.mjs", { ...env, AGENT_NAME: "fo-date", REPLY: "date" });
    const consumer = await start("consumer.mjs", { ...env, AGENT_NAME: "fo-user" });
    // Its provider arrives only after the switch: the wiring must then come from the second registry.
    const late = await start("consumer.mjs", { ...env, AGENT_NAME: "fo-late", DEP_CAPABILITY: "clock_service" });
    await waitFor(
      async () => ((await callText(consumer.url, "hello")) === "Hello world! date:CET" ? true : undefined),
      10_000,
      "the consumer wired to its provider",
    );
    expect(await healthyNames(first.url)).toEqual(["fo-date", "fo-late", "fo-user"]);
    expect(await healthyNames(second.url)).toEqual([]); // one registry at a time: the first
    expect(await callText(late.url, "hello")).toBe("Hello world! (no date service)");

    let calls = 0;
    const failures: string[] = [];
    let stop = false;
    const stream = async () => {
      while (!stop) {
        const t = await callText(consumer.url, "hello").catch((e) => `error ${e}`);
        calls++;
        if (t !== "Hello world! date:CET") failures.push(t);
      }
    };
    const workers = Array.from({ length: 4 }, stream);
    await waitFor(() => (calls >= 20 ? true : undefined), 30_000, "calls before the kill");

    process.kill(first.pid, "SIGKILL");
    await first.stop(); // reaps it (already dead: no signal sent)
    await waitFor(
      async () => ((await healthyNames(second.url)).length === 3 ? true : undefined),
      30_000,
      "all three agents registered on the second registry",
    );
    // A count of calls after the move, not a duration: a busy machine makes fewer per second.
    const atMove = calls;
    await waitFor(() => (calls - atMove >= 50 ? true : undefined), 30_000, "50 calls after the move");

    await start("provider.mjs", { ...env, AGENT_NAME: "fo-clock", CAPABILITY: "clock_service", REPLY: "clock" });
    await waitFor(
      async () => ((await callText(late.url, "hello")) === "Hello world! clock:CET" ? true : undefined),
      15_000,
      "the late consumer wired to the provider that registered on the second registry",
    );
    stop = true;
    await Promise.all(workers);
    expect(failures).toEqual([]);
    expect(await healthyNames(second.url)).toEqual(["fo-clock", "fo-date", "fo-late", "fo-user"]);

    // The move is visible in the agent's metrics, named by the registry it moved to.
    const metrics = await fetch(`${consumer.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain(`mcp_mesh_registry_switches_total{registry="${second.url}",agent="fo-user"} 1`);

    // meshctl given both URLs, the first dead: it asks the second.
    const { stdout } = await promisify(execFile)(process.execPath, [MESHCTL, "list", "--json"], {
      env: { ...process.env, MCP_MESH_REGISTRY_URL: `${first.url},${second.url}`, NO_COLOR: "1" },
    });
    const listed = JSON.parse(stdout) as { registry: string; agents: { name: string }[] };
    expect(listed.registry).toBe(second.url);
    expect(listed.agents.map((a) => a.name).sort()).toEqual(["fo-clock", "fo-date", "fo-late", "fo-user"]);
  }, 150_000);

  it("a registry answering 503 (its store is down) is skipped at start: the agent registers on the next", async () => {
    // What our registry answers while its database is down (docs/registry.md: store_unavailable,
    // in its error envelope); a stand-in, as this suite runs no PostgreSQL to stop.
    const down = createServer((_req, res) => {
      res.writeHead(503, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ error: "the registry's store is unavailable", timestamp: new Date().toISOString() }));
    });
    await new Promise<void>((r) => down.listen(0, "127.0.0.1", r));
    try {
      const downUrl = `http://127.0.0.1:${(down.address() as AddressInfo).port}`;
      const good = await registry();
      const provider = await start("provider.mjs", {
        MCP_MESH_REGISTRY_URL: `${downUrl},${good.url}`,
        MCP_MESH_HEALTH_INTERVAL: "1",
        AGENT_NAME: "fo-503",
        MCP_MESH_LOG_LEVEL: "info",
      });
      await waitFor(
        async () => ((await healthyNames(good.url)).includes("fo-503") ? true : undefined),
        10_000,
        "the agent registered on the second registry",
      );
      const line = provider
        .output()
        .split("\n")
        .find((l) => l.includes("moved to registry"));
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        msg: `moved to registry ${good.url}`,
        from: downUrl,
        registry: good.url,
        reason: "answered 503",
      });
    } finally {
      down.closeAllConnections();
      await new Promise((r) => down.close(r));
    }
  }, 30_000);

  it("a registry that hangs (SIGSTOP: connections open, no answers) is left after the heartbeat's timeout", async () => {
    const hung = await registry();
    const other = await registry();
    const provider = await start("provider.mjs", {
      MCP_MESH_REGISTRY_URL: `${hung.url},${other.url}`,
      MCP_MESH_HEALTH_INTERVAL: "1",
      AGENT_NAME: "fo-hung",
    });
    await waitFor(
      async () => ((await healthyNames(hung.url)).includes("fo-hung") ? true : undefined),
      10_000,
      "the agent on the first registry",
    );
    process.kill(hung.pid, "SIGSTOP");
    try {
      await waitFor(
        async () => ((await healthyNames(other.url)).includes("fo-hung") ? true : undefined),
        20_000,
        "the agent registered on the second registry",
      );
      const metrics = await fetch(`${provider.url}/metrics`).then((r) => r.text());
      expect(metrics).toContain(`mcp_mesh_registry_switches_total{registry="${other.url}",agent="fo-hung"} 1`);
    } finally {
      process.kill(hung.pid, "SIGCONT"); // so that it can be stopped
    }
  }, 40_000);
});
