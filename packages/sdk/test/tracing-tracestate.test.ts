// W3C tracestate on real processes: what a caller sends next to its traceparent (as HTTP headers
// or in params._meta, MCP SEP-414) reaches the next agent unchanged, so vendors' entries survive
// a mesh hop; a malformed or orphaned one (no valid traceparent beside it) goes no further.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, rpc, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

const TRACEPARENT = `00-${"4bf92f3577b34da6a3ce929d0e0e4736"}-${"00f067aa0ba902b7"}-01`;

describe("tracestate propagation", { timeout: 120_000 }, () => {
  let registry: RegistryProcess;
  const procs: AgentProcess[] = [];
  let consumer: AgentProcess;

  beforeAll(async () => {
    registry = await startOurRegistry();
    const env = { MCP_MESH_REGISTRY_URL: registry.url };
    procs.push(await startAgentProcess("provider.mjs", { ...env, AGENT_NAME: "dates", ECHO_TRACESTATE: "1" }));
    consumer = await startAgentProcess("consumer.mjs", { ...env, AGENT_NAME: "greeter" });
    procs.push(consumer);
    await waitFor(async () => ((await hello({})).includes("date:CET") ? true : undefined), 15_000, "wired");
  });
  afterAll(async () => {
    await Promise.allSettled(procs.map((p) => p.kill()));
    await registry?.stop();
  });

  /** The consumer's answer, which ends with the tracestate the provider received. */
  async function hello(headers: Record<string, string>, meta?: Record<string, string>): Promise<string> {
    const params = { name: "hello", arguments: { who: "t" }, ...(meta && { _meta: meta }) };
    const r = await rpc(consumer.url, { jsonrpc: "2.0", id: 1, method: "tools/call", params }, headers);
    return (r.body?.result?.content ?? []).map((c: { text?: string }) => c.text).join("");
  }

  it("a tracestate header next to traceparent reaches the provider as sent", async () => {
    const text = await hello({ traceparent: TRACEPARENT, tracestate: "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7" });
    expect(text).toBe("Hello t! date:CET tracestate=congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");
  });

  it("a tracestate in params._meta next to _meta.traceparent reaches the provider", async () => {
    const text = await hello({}, { traceparent: TRACEPARENT, tracestate: "vendor@tenant=abc" });
    expect(text).toBe("Hello t! date:CET tracestate=vendor@tenant=abc");
  });

  it("no, a malformed, or an orphaned tracestate is not forwarded", async () => {
    expect(await hello({ traceparent: TRACEPARENT })).toBe("Hello t! date:CET tracestate=none");
    expect(await hello({ traceparent: TRACEPARENT, tracestate: "Bad Key=x" })).toBe(
      "Hello t! date:CET tracestate=none",
    );
    expect(await hello({ tracestate: "congo=t61rcWkgMzE" })).toBe("Hello t! date:CET tracestate=none");
    expect(await hello({ traceparent: "00-zz-yy-01", tracestate: "congo=t61rcWkgMzE" })).toBe(
      "Hello t! date:CET tracestate=none",
    );
    expect(await hello({ traceparent: TRACEPARENT, tracestate: `a=${"x".repeat(600)}` })).toBe(
      "Hello t! date:CET tracestate=none",
    );
  });
});
