// What an agent process tells its user in its log (pino JSON lines on stdout): a handler that
// throws, and a requested port it could not use. meshctl shows the port line (its contract:
// msg, requested_port, port).
import { createServer, type Server } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/interop/processes.js";
import { type AgentProcess, rpc, startAgentProcess, waitFor } from "./agent-processes.js";

const procs: AgentProcess[] = [];
afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.kill()));
});

async function start(env: Record<string, string>): Promise<AgentProcess> {
  const p = await startAgentProcess("inbound.mjs", env);
  procs.push(p);
  return p;
}

/** The log lines of `p` (JSON), as parsed objects. */
function lines(p: AgentProcess): Record<string, unknown>[] {
  return p
    .output()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The first log line of `p` that has `field`, once it has been written. */
function logged(p: AgentProcess, field: string) {
  return waitFor(() => lines(p).find((l) => field in l), 5000, `a log line with ${field}`);
}

describe("a handler that throws", () => {
  it("is logged at error level with tool, message and trace id; the caller gets only the message", async () => {
    const p = await start({ MCP_MESH_STANDALONE: "true" });
    const trace = "0123456789abcdef0123456789abcdef";
    const r = await rpc(p.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "boom", arguments: { _trace_id: trace } },
    });
    expect(r.body.result.isError).toBe(true);
    expect(r.body.result.content[0].text).toContain("disk on fire");
    expect(r.text).not.toMatch(/\bat .*\.m?js:\d+/);
    expect(await logged(p, "tool")).toMatchObject({
      level: 50,
      tool: "boom",
      trace_id: trace,
      msg: "tool boom failed: disk on fire",
    });
  });
});

describe("a requested port the agent cannot use", () => {
  it("busy: the agent listens elsewhere and warns with the requested and the bound port", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const busy = (holder.address() as { port: number }).port;
    try {
      const p = await start({ MCP_MESH_STANDALONE: "true", MCP_MESH_HTTP_PORT: String(busy) });
      const port = Number(new URL(p.url).port);
      expect(port).not.toBe(busy);
      expect(await logged(p, "requested_port")).toEqual(
        expect.objectContaining({
          level: 40,
          requested_port: busy,
          port,
          msg: `requested port ${busy} is busy; listening on ${port} instead`,
        }),
      );
    } finally {
      holder.close();
    }
  });

  it("the registry's port: never taken, even when the registry is not up yet", async () => {
    const registryPort = await freePort();
    const p = await start({
      MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${registryPort}`,
      MCP_MESH_HTTP_PORT: String(registryPort),
    });
    const port = Number(new URL(p.url).port);
    expect(port).not.toBe(registryPort);
    expect(await logged(p, "requested_port")).toEqual(
      expect.objectContaining({
        level: 40,
        requested_port: registryPort,
        port,
        msg: `requested port ${registryPort} is the registry's port; listening on ${port} instead`,
      }),
    );
  });
});
