// Real processes: our registry and fixture agents (built @mcp-mesh/sdk), calling each other.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

// Each test starts several Node processes one after another: on a loaded 2-core machine that
// alone can take longer than the default 30 s, so the budget is larger (a budget, not a goal).
describe("two agents and our registry, as processes", { timeout: 120_000 }, () => {
  let registry: RegistryProcess;
  const procs: AgentProcess[] = [];
  const start = async (file: string, env: Record<string, string>) => {
    const p = await startAgentProcess(file, { MCP_MESH_REGISTRY_URL: registry.url, ...env });
    procs.push(p);
    return p;
  };

  beforeAll(async () => {
    registry = await startOurRegistry();
  });
  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.kill()));
    await registry?.stop();
  });

  it("consumer calls provider; provider stops → fallback; provider back → re-wired, pushed on the watch stream", async () => {
    const provider = await start("provider.mjs", { AGENT_NAME: "date-a", REPLY: "first" });
    // The consumer's next heartbeat is a minute away: every change it sees after its first
    // registration can only have been pushed on its watch stream. (How fast: bench/sdk-startup.mjs.)
    const consumer = await start("consumer.mjs", { AGENT_NAME: "greeter", MCP_MESH_HEALTH_INTERVAL: "60" });
    await waitFor(
      async () => ((await callText(consumer.url, "hello", { who: "Ada" })).includes("first") ? true : undefined),
      10_000,
      "wired",
    );
    expect(await callText(consumer.url, "hello", { who: "Ada" })).toBe("Hello Ada! first:CET");

    await provider.stop(); // SIGTERM → DELETE at the registry
    const fallback = await waitFor(
      async () => {
        const t = await callText(consumer.url, "hello", { who: "Ada" });
        return t.includes("no date service") ? t : undefined;
      },
      10_000,
      "fallback after the provider left",
    );
    expect(fallback).toBe("Hello Ada! (no date service)");

    const again = await start("provider.mjs", { AGENT_NAME: "date-b", REPLY: "second" });
    await waitFor(
      async () => ((await callText(consumer.url, "hello")).includes("second") ? true : undefined),
      10_000,
      "re-wired to the new provider",
    );
    expect(await callText(consumer.url, "hello", { who: "Ada" })).toBe("Hello Ada! second:CET");
    await again.stop();
  });

  it("Ctrl-C under a supervisor (SIGINT, then the supervisor's SIGTERM at once) still unregisters", async () => {
    const p = await start("provider.mjs", { AGENT_NAME: "date-signals", REPLY: "bye" });
    const alive = () => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const healthy = async () => {
      const { agents } = (await (await fetch(`${registry.url}/agents`)).json()) as {
        agents: Array<{ id: string; status: string }> | null;
      };
      return (agents ?? []).some((a) => a.id === p.agentId && a.status === "healthy");
    };
    await waitFor(async () => ((await healthy()) ? true : undefined), 5000, "registered");
    process.kill(p.pid, "SIGINT");
    process.kill(p.pid, "SIGTERM");
    await waitFor(() => (alive() ? undefined : true), 10_000, "the agent to exit");
    expect(await healthy(), "still healthy at the registry: it did not unregister").toBe(false);
  });

  it("a second SIGINT while unregistering (timeout and some supervisors send two, 5 ms apart) does not skip the DELETE", async () => {
    // The registry answers DELETE 300 ms late (a busy registry, a slow network), so the second
    // signal arrives while the agent is unregistering; a DELETE whose caller died is dropped.
    const slow = await slowDeleteProxy(registry.url, 300);
    const p = await startAgentProcess("provider.mjs", {
      MCP_MESH_REGISTRY_URL: slow.url,
      AGENT_NAME: "date-double-int",
      REPLY: "bye",
    });
    procs.push(p);
    const listed = async () => {
      const { agents } = (await (await fetch(`${registry.url}/agents`)).json()) as {
        agents: Array<{ id: string; status: string }> | null;
      };
      return (agents ?? []).find((a) => a.id === p.agentId);
    };
    await waitFor(async () => ((await listed())?.status === "healthy" ? true : undefined), 5000, "registered");
    process.kill(p.pid, "SIGINT");
    // Two signals that arrive before the first is handled merge into one; wait until the agent
    // is unregistering, so the second is certainly a second.
    await waitFor(() => (slow.deletes() > 0 ? true : undefined), 5000, "the DELETE to leave the agent");
    process.kill(p.pid, "SIGINT");
    // Exits on its own once unregistered (130: SIGINT handled), not killed by the second signal.
    expect(await p.exit).toEqual({ code: 130, signal: null });
    // Only a DELETE leaves an "unregister" event (a lost watch stream also marks it unhealthy).
    const { events } = (await (
      await fetch(`${registry.url}/events?type=unregister&agent_id=${encodeURIComponent(p.agentId)}`)
    ).json()) as { events: Array<{ agent_id: string }> | null };
    expect(events ?? [], "no DELETE reached the registry").toHaveLength(1);
    await slow.close();
  });

  it("tags and versions choose the provider; -tag excludes; a required dependency fails without a provider", async () => {
    const fast = await start("provider.mjs", {
      AGENT_NAME: "t-fast",
      CAPABILITY: "weather",
      TAGS: "fast",
      VERSION: "2.1.0",
      REPLY: "fast",
    });
    const beta = await start("provider.mjs", {
      AGENT_NAME: "t-beta",
      CAPABILITY: "weather",
      TAGS: "fast,beta",
      VERSION: "2.5.0",
      REPLY: "beta",
    });
    const old = await start("provider.mjs", {
      AGENT_NAME: "t-old",
      CAPABILITY: "weather",
      TAGS: "slow",
      VERSION: "1.0.0",
      REPLY: "old",
    });
    const noBeta = await start("consumer.mjs", {
      AGENT_NAME: "c-nobeta",
      DEP_CAPABILITY: "weather",
      DEP_TAGS: "fast,-beta",
    });
    const v1 = await start("consumer.mjs", { AGENT_NAME: "c-v1", DEP_CAPABILITY: "weather", DEP_VERSION: "<2.0.0" });
    const preferBeta = await start("consumer.mjs", {
      AGENT_NAME: "c-beta",
      DEP_CAPABILITY: "weather",
      DEP_TAGS: "+beta",
    });
    const none = await start("consumer.mjs", { AGENT_NAME: "c-none", DEP_CAPABILITY: "weather", DEP_TAGS: "gpu" });
    const wired = (url: string, reply: string) =>
      waitFor(
        async () => ((await callText(url, "hello")).includes(`${reply}:`) ? true : undefined),
        5000,
        `${url} → ${reply}`,
      );
    await wired(noBeta.url, "fast");
    await wired(v1.url, "old");
    await wired(preferBeta.url, "beta");
    // Unresolved (no provider tagged gpu): null for the handler, an MCP error for a required dependency.
    expect(await callText(none.url, "hello")).toContain("no date service");
    const strict = await callText(none.url, "strict_hello");
    expect(strict).toContain("dependency_unavailable");
    expect(await callText(noBeta.url, "strict_hello")).toBe("strict fast:UTC");
    await Promise.all([fast, beta, old].map((p) => p.stop()));
  });
});

/** Forwards everything to `target`, holding each DELETE `delayMs` first (dropped if its caller left). */
async function slowDeleteProxy(target: string, delayMs: number) {
  const to = new URL(target);
  let deletes = 0;
  const server = createServer((req, res) => {
    let left = false;
    req.socket.once("end", () => (left = true)).once("close", () => (left = true));
    const forward = () => {
      if (left) return;
      const upstream = request(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      res.on("close", () => upstream.destroy());
      req.pipe(upstream);
    };
    if (req.method === "DELETE") {
      deletes++;
      setTimeout(forward, delayMs);
    } else forward();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deletes: () => deletes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
