// dep.stream() in detail, on a mesh in one process (real HTTP on loopback): a tool that does not
// stream, a tool that fails, the consumer's own signal, a provider in the same agent, a slow
// reader holding the producer back (directly and through the registry's /proxy), nothing left in
// flight after a cancel, and declaration errors.
import { request } from "node:http";
import { ErrorCodes, type McpMeshTool, type MeshError } from "@mcp-mesh/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { mesh } from "../src/mesh.js";
import {
  createTestMesh,
  fake,
  inFlightCalls,
  providers,
  type TestMesh,
  waitForDependency,
} from "../src/testing/index.js";

/** Everything an iterable yields, or the MeshError it ends with. */
async function drain(
  it: AsyncIterable<string>,
): Promise<{ chunks: string[]; error?: { code: string; message: string } }> {
  const chunks: string[] = [];
  try {
    for await (const c of it) chunks.push(c);
    return { chunks };
  } catch (e) {
    return { chunks, error: { code: (e as MeshError).code, message: (e as MeshError).message } };
  }
}

describe("dep.stream() on a mesh in one process", () => {
  let m: TestMesh;
  const grabbed: Record<string, McpMeshTool | null> = {};
  const dep = (key: string): McpMeshTool => {
    const d = grabbed[key];
    if (!d) throw new Error(`${key} is not wired`);
    return d;
  };
  let release: () => void = () => {};
  let pulled = 0;
  let pumpStopped = false;
  let providerUrl: string | undefined;
  let provider: MeshAgent;

  beforeAll(async () => {
    m = await createTestMesh();
    provider = m.agent({ name: "stream-provider" });
    provider.tool({ name: "plain", handler: () => "all at once" });
    provider.tool({
      name: "failing",
      handler: () => {
        throw new Error("the disk is full");
      },
    });
    provider.tool({
      name: "pump",
      async *handler() {
        try {
          for (;;) {
            pulled++;
            yield "x".repeat(10_000);
          }
        } finally {
          pumpStopped = true;
        }
      },
    });
    provider.tool({
      name: "claims_stream",
      stream: true,
      // A JavaScript caller that ignores the types: the wrong return is a clear tool error.
      handler: (() => "not a stream") as never,
    });
    const consumer = m.agent({ name: "stream-consumer" });
    consumer.tool({
      name: "local_words",
      capability: "local_words",
      async *handler() {
        yield "here ";
        await new Promise<void>((r) => (release = r));
        yield "now";
      },
    });
    consumer.tool({
      name: "grab",
      dependencies: {
        plain: "plain",
        failing: "failing",
        pump: { capability: "pump", timeout: 60_000 },
        claims: "claims_stream",
        local: "local_words",
      },
      handler: (_args, deps) => {
        Object.assign(grabbed, deps);
        return "ok";
      },
    });
    await m.start();
    providerUrl = provider.url;
    for (const cap of ["plain", "failing", "pump", "claims_stream", "local_words"])
      await waitForDependency(consumer, cap);
    await consumer.callLocal("grab");
  });
  afterAll(() => m.close());

  it("a tool that does not stream is yielded once, as Python's .stream() does", async () => {
    expect(await drain(dep("plain").stream())).toEqual({ chunks: ["all at once"] });
  });

  it("a tool error ends the iteration with a MeshError carrying the tool's message", async () => {
    const r = await drain(dep("failing").stream());
    expect(r.chunks).toEqual([]);
    expect(r.error?.code).toBe(ErrorCodes.REMOTE_TOOL_ERROR);
    expect(r.error?.message).toMatch(/the disk is full/);
  });

  it("stream: true with a handler that returns no iterable is a clear tool error", async () => {
    const r = await drain(dep("claims").stream());
    expect(r.error?.message).toMatch(/declared with stream: true but its handler returned string/);
  });

  it("a provider in the same agent streams in-process, chunk by chunk", async () => {
    const it = dep("local").stream()[Symbol.asyncIterator]();
    expect(await it.next()).toEqual({ value: "here ", done: false }); // the producer is still held
    release();
    expect(await it.next()).toEqual({ value: "now", done: false });
    expect((await it.next()).done).toBe(true);
  });

  it("a slow reader holds the producer back; aborting its signal cancels the call and stops the generator", async () => {
    const abort = new AbortController();
    const it = dep("pump").stream({}, { signal: abort.signal })[Symbol.asyncIterator]();
    await it.next();
    // Read nothing more; wait until the producer stops being pulled (backpressure reached it).
    let last = -1;
    for (let still = 0; still < 10; ) {
      await new Promise((r) => setTimeout(r, 50));
      still = pulled === last ? still + 1 : 0;
      last = pulled;
    }
    // Unbounded, it would run to the 32 Mi character cap (3,355 chunks of 10,000).
    expect(pulled).toBeLessThan(1000);
    abort.abort();
    const rest = await drain({ [Symbol.asyncIterator]: () => it });
    expect(rest.error?.code).toBe(ErrorCodes.CANCELLED);
    for (let i = 0; i < 200 && !pumpStopped; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pumpStopped).toBe(true);
    // Nothing of the abandoned call is kept by the provider.
    for (let i = 0; i < 200 && inFlightCalls(provider) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(inFlightCalls(provider)).toBe(0);
  });

  it("the registry's /proxy passes a stream on with backpressure: a reader that stops holds the producer back", async () => {
    pulled = 0;
    pumpStopped = false;
    const target = (providerUrl as string).replace(/^http:\/\//, "");
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "pump", arguments: {}, _meta: { progressToken: "p" } },
    });
    const req = request(`${m.registry?.url}/proxy/${target}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    });
    const firstBytes = new Promise<void>((resolve, reject) => {
      req.on("response", (res) => {
        res.once("data", () => {
          res.pause(); // and never read again
          resolve();
        });
      });
      req.on("error", reject);
    });
    req.end(body);
    await firstBytes;
    let last = -1;
    for (let still = 0; still < 10; ) {
      await new Promise((r) => setTimeout(r, 50));
      still = pulled === last ? still + 1 : 0;
      last = pulled;
    }
    // Buffered by the registry instead, the producer would run to its 32 Mi character cap.
    expect(pulled).toBeLessThan(1000);
    req.destroy();
    for (let i = 0; i < 200 && !pumpStopped; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pumpStopped).toBe(true);
  });

  it("a fake dependency streams what it yields", async () => {
    const host = m.agent({ name: "fake-host" });
    let dep: McpMeshTool | null = null;
    host.tool({
      name: "use_fake",
      dependencies: { words: "fake_words" },
      handler: (_a, { words }) => {
        dep = words;
        return "ok";
      },
    });
    await host.start();
    fake(host, "fake_words", async function* () {
      yield "a";
      yield "b";
    });
    await host.callLocal("use_fake");
    expect(await drain((dep as unknown as McpMeshTool).stream())).toEqual({ chunks: ["a", "b"] });
  });
});

describe("declaring a streaming tool", () => {
  it("refuses an output schema on a streaming tool when the agent starts", async () => {
    const agent = mesh.agent({ name: "bad-stream", standalone: true, autoRun: false, env: {} });
    agent.tool({
      name: "s",
      output: z.string(),
      async *handler() {
        yield "x";
      },
    } as never);
    await expect(agent.start()).rejects.toThrow(/a streaming tool's result is text/);
    await agent.stop();
  });
});

describe("dep.stream() fail-over before the first chunk", () => {
  let m: TestMesh;
  let dep: McpMeshTool | null = null;
  let hungCalls = 0;
  let hungAborted = 0;

  beforeAll(async () => {
    m = await createTestMesh();
    // The higher version ranks first: every stream tries the hung provider before the good one.
    const hung = m.agent({ name: "hung-streamer" });
    hung.tool({
      name: "flaky_words",
      version: "1.1.0",
      async *handler(_args, _deps, ctx) {
        hungCalls++;
        await new Promise((r) => ctx.signal?.addEventListener("abort", r));
        hungAborted++;
        yield "too late";
      },
    });
    const good = m.agent({ name: "good-streamer" });
    good.tool({
      name: "flaky_words",
      async *handler() {
        yield "ok ";
        yield "done";
      },
    });
    const consumer = m.agent({ name: "failover-consumer" });
    consumer.tool({
      name: "grab",
      dependencies: {
        words: { capability: "flaky_words", retryOnTimeout: true, attemptTimeout: 300, timeout: 20_000 },
      },
      handler: (_a, { words }) => {
        dep = words;
        return "ok";
      },
    });
    await m.start();
    await waitForDependency(consumer, "flaky_words");
    // Wait until the good provider is there as the alternative too.
    for (let i = 0; i < 200; i++) {
      await consumer.callLocal("grab");
      if (dep && providers(consumer, "flaky_words").length === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  afterAll(() => m.close());

  it("with retryOnTimeout, a provider that sends no first chunk within attemptTimeout is left for the next", async () => {
    expect(dep).not.toBeNull();
    const r = await drain((dep as unknown as McpMeshTool).stream());
    expect(r).toEqual({ chunks: ["ok ", "done"] });
    expect(hungCalls).toBe(1);
    for (let i = 0; i < 200 && hungAborted === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(hungAborted).toBe(1); // the abandoned attempt was cancelled, not left running
  });
});
