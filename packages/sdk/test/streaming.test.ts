// Streaming across real processes: our registry, a producer whose tool is an async generator
// (fixtures/stream-producer.mjs) and a consumer that reads it with `dep.stream()`
// (fixtures/stream-consumer.mjs). Order and interleaving are asserted by a gate file the
// producer waits for, never by timing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorCodes } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { callToolHttp, createDispatcher, type ToolNotification } from "../src/client/index.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

describe("streaming tools across processes", () => {
  let registry: RegistryProcess;
  let producer: AgentProcess;
  let consumer: AgentProcess;
  const extra: AgentProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), "mesh-stream-"));
  let gates = 0;
  const gate = () => join(dir, `gate-${gates++}`);
  const dispatcher = createDispatcher();

  beforeAll(async () => {
    registry = await startOurRegistry();
    const env = { MCP_MESH_REGISTRY_URL: registry.url };
    [producer, consumer] = await Promise.all([
      startAgentProcess("stream-producer.mjs", env),
      startAgentProcess("stream-consumer.mjs", env),
    ]);
    const open = gate();
    writeFileSync(open, "");
    await waitFor(
      async () => ((await callText(consumer.url, "joined", { gate: open })) !== "not wired" ? true : undefined),
      15_000,
      "the consumer wired to the producer",
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.allSettled([producer?.kill(), consumer?.kill(), ...extra.map((p) => p.kill())]);
    await registry?.stop();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Calls `tool` with a progress token, as a streaming MCP client does; chunks go to `onChunk`. */
  const streamCall = (url: string, tool: string, args: Record<string, unknown>, onChunk: (c: string) => void) =>
    callToolHttp(dispatcher, {
      url: `${url}/mcp`,
      tool,
      args,
      timeoutMs: 30_000,
      progressToken: "tok-1",
      onNotification: (n: ToolNotification) => {
        if (n.method === "notifications/progress" && n.params.progressToken === "tok-1")
          onChunk(n.params.message as string);
      },
    });

  it("a producer's chunks reach the caller one by one, each while the producer still runs, as §3.1 frames them", async () => {
    const g = gate();
    const frames: ToolNotification[] = [];
    let firstFrame: () => void = () => {};
    const sawFirst = new Promise<void>((r) => (firstFrame = r));
    let answered = false;
    const call = callToolHttp(dispatcher, {
      url: `${producer.url}/mcp`,
      tool: "words",
      args: { gate: g },
      timeoutMs: 30_000,
      progressToken: 7,
      onNotification: (n) => {
        frames.push(n);
        firstFrame();
      },
    }).then((r) => {
      answered = true;
      return r;
    });
    await sawFirst;
    // The producer is blocked on the gate: the first chunk came before the rest was even made.
    expect(answered).toBe(false);
    expect(frames).toEqual([
      { method: "notifications/progress", params: { progressToken: 7, progress: 0, message: "alpha " } },
    ]);
    writeFileSync(g, "");
    const r = await call;
    expect(frames.map((f) => f.params)).toEqual([
      { progressToken: 7, progress: 0, message: "alpha " },
      { progressToken: 7, progress: 1, message: "beta " },
      { progressToken: 7, progress: 2, message: "gamma" },
    ]);
    expect(r.result).toEqual({ content: [{ type: "text", text: "alpha beta gamma" }] });
  });

  it("dep.stream() yields the chunks in order as they arrive, before the final result", async () => {
    const g = gate();
    const chunks: string[] = [];
    let first: () => void = () => {};
    const sawFirst = new Promise<void>((r) => (first = r));
    let answered = false;
    const call = streamCall(consumer.url, "relay", { gate: g }, (c) => {
      chunks.push(c);
      first();
    }).then((r) => {
      answered = true;
      return r;
    });
    await sawFirst;
    // Producer → consumer's dep.stream() → consumer's own stream → us, while the producer waits.
    expect(chunks).toEqual(["[alpha ]"]);
    expect(answered).toBe(false);
    expect(existsSync(`${g}.finally`)).toBe(false);
    writeFileSync(g, "");
    const r = await call;
    expect(chunks).toEqual(["[alpha ]", "[beta ]", "[gamma]"]);
    expect(r.result?.content?.[0]?.text).toBe("[alpha ][beta ][gamma]");
  });

  it("a caller without a progress token, and a plain proxy call, get the concatenation", async () => {
    const g = gate();
    writeFileSync(g, "");
    expect(await callText(producer.url, "words", { gate: g })).toBe("alpha beta gamma");
    expect(await callText(consumer.url, "joined", { gate: g })).toBe("alpha beta gamma");
    // The tool advertises itself as a stream: in its consumers' resolution (what Python's
    // `.stream()` reads) and in our registry's listing (what meshctl call reads).
    const view = (await (await fetch(`${registry.url}/agents/${consumer.agentId}`)).json()) as {
      resolution?: { dependencies_resolved?: Record<string, Array<{ kwargs?: Record<string, unknown> }>> };
    };
    expect(view.resolution?.dependencies_resolved?.relay?.[0]?.kwargs).toEqual({ stream_type: "text" });
    const { agents } = (await (await fetch(`${registry.url}/agents`)).json()) as {
      agents: Array<{ id: string; capabilities?: Array<{ function_name: string; stream_type?: string }> }>;
    };
    const words = agents.find((a) => a.id === producer.agentId)?.capabilities?.find((c) => c.function_name === "words");
    expect(words?.stream_type).toBe("text");
  });

  it("a consumer that stops after the first chunk cancels the call: the producer sees its abort", async () => {
    const g = gate();
    expect(await callText(consumer.url, "first_chunk", { gate: g })).toBe("alpha ");
    // Nobody opens the gate: only the call going away can end the producer's wait.
    await waitFor(() => (existsSync(`${g}.aborted`) ? true : undefined), 15_000, "the producer to see its abort");
    await waitFor(() => (existsSync(`${g}.finally`) ? true : undefined), 15_000, "the generator's finally");
  });

  it("a provider killed without a goodbye costs no failed stream: fail-over happens before the first chunk", async () => {
    const spare = await startAgentProcess("stream-producer.mjs", {
      MCP_MESH_REGISTRY_URL: registry.url,
      AGENT_NAME: "streamer-spare",
    });
    extra.push(spare); // stopped in afterAll even when this test fails
    const resolved = async () => {
      const view = (await (await fetch(`${registry.url}/agents/${consumer.agentId}`)).json()) as {
        resolution?: { dependencies_resolved?: Record<string, Array<{ alternatives?: unknown[] }>> };
      };
      return view.resolution?.dependencies_resolved?.relay?.[0]?.alternatives?.length ?? 0;
    };
    await waitFor(async () => ((await resolved()) > 0 ? true : undefined), 15_000, "the spare as an alternative");
    await producer.kill(); // SIGKILL: the registry still lists it, its port refuses
    const g = gate();
    writeFileSync(g, "");
    // Calls rotate over the providers, so some of these try the dead one first.
    for (let i = 0; i < 4; i++) {
      const chunks: string[] = [];
      const r = await streamCall(consumer.url, "relay", { gate: g }, (c) => chunks.push(c));
      expect(r.result?.isError, JSON.stringify(r.result)).toBeFalsy();
      expect(chunks).toEqual(["[alpha ]", "[beta ]", "[gamma]"]);
    }
    producer = spare;
  });

  it("a chunk that is not a string fails the stream with a clear error after the good chunks", async () => {
    const text = await callText(consumer.url, "bad_relay");
    const out = JSON.parse(text);
    expect(out.seen).toEqual(["fine "]);
    expect(out.code).toBe(ErrorCodes.REMOTE_TOOL_ERROR);
    expect(out.message).toMatch(/a streaming tool yields strings; chunk 1 is a number/);
  });
});
