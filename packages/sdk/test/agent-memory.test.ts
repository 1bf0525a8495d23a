// Memory stays bounded under malformed input: an agent process with a 64 MB heap takes 60
// malformed 3.9 MB requests (234 MB in all; each one used to be kept until the process died,
// and ~520 of them killed an agent with the default heap), answers every one, and still serves.
import { afterAll, expect, it } from "vitest";
import { type AgentProcess, callText, startAgentProcess } from "./agent-processes.js";

let agent: AgentProcess | undefined;
afterAll(() => agent?.kill());

it("60 malformed 3.9 MB requests to an agent with a 64 MB heap: all answered, the agent stays up", async () => {
  agent = await startAgentProcess("inbound.mjs", {
    MCP_MESH_STANDALONE: "true",
    NODE_OPTIONS: "--max-old-space-size=64",
  });
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", extra: "x".repeat(3_900_000) });
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${agent.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32600);
  }
  expect(await callText(agent.url, "ping")).toBe("pong");
}, 120_000);
