// OTLP export on real processes: with OTEL_EXPORTER_OTLP_ENDPOINT set, a consumer -> provider call
// reaches an in-process OTLP/HTTP receiver as one trace: the consumer's SERVER span
// `tools/call hello`, its CLIENT span for the hop, and the provider's SERVER span under it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type RecordedRequest, type ScriptedLlm, startScriptedLlm } from "../src/testing/scripted-llm.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

const procs: AgentProcess[] = [];
const registries: RegistryProcess[] = [];
let receiver: Server | undefined;
const models: ScriptedLlm[] = [];
afterAll(async () => {
  await Promise.allSettled(models.map((m) => m.close()));
  await Promise.allSettled(procs.map((p) => p.kill()));
  await Promise.allSettled(registries.map((r) => r.stop()));
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
});

/** An OTLP/HTTP JSON receiver keeping every span with its service.name. */
async function startReceiver() {
  const spans: (OtlpSpan & { service: string })[] = [];
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      const msg = JSON.parse(body);
      for (const rs of msg.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a: { key: string }) => a.key === "service.name")?.value
          .stringValue;
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, service });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((r) => receiver?.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`, spans };
}

describe("OTLP export", () => {
  it("a consumer -> provider call arrives at an OTLP receiver as one trace with the hop's parentage", async () => {
    const otlp = await startReceiver();
    const registry = await startOurRegistry();
    registries.push(registry);
    const env = {
      MCP_MESH_REGISTRY_URL: registry.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    };
    procs.push(await startAgentProcess("provider.mjs", { ...env, AGENT_NAME: "dates" }));
    const consumer = await startAgentProcess("consumer.mjs", { ...env, AGENT_NAME: "greeter" });
    procs.push(consumer);
    await waitFor(
      async () => ((await callText(consumer.url, "hello", { who: "o" })).includes("date:CET") ? true : undefined),
      15_000,
      "the consumer wired",
    );
    const [server, client, leaf] = await waitFor(
      () => {
        // Any call's chain will do: the first calls (made while the consumer was being wired)
        // may have been exported by one process before the other's exporter was up.
        for (const leaf of otlp.spans.filter((s) => s.name === "tools/call get_date")) {
          const client = otlp.spans.find((s) => s.spanId === leaf.parentSpanId);
          const server = client && otlp.spans.find((s) => s.spanId === client.parentSpanId);
          if (server && client) return [server, client, leaf];
        }
        return undefined;
      },
      // A budget, not a goal: on a loaded machine the batch processor's exports run late.
      30_000,
      "the three spans at the receiver",
    );
    expect(server.name).toBe("tools/call hello");
    expect(server.service).toBe("greeter");
    expect(server.kind).toBe(2); // SERVER (OTLP enum: 1 internal, 2 server, 3 client)
    expect(server.parentSpanId ?? "").toBe("");
    expect(client.kind).toBe(3);
    expect(client.service).toBe("greeter");
    expect(leaf.service).toBe("dates");
    expect(leaf.kind).toBe(2);
    expect(new Set([server.traceId, client.traceId, leaf.traceId]).size).toBe(1);
    const attr = (s: OtlpSpan, k: string) => s.attributes.find((a) => a.key === k)?.value.stringValue;
    expect(attr(leaf, "mcp.method.name")).toBe("tools/call");
    expect(attr(leaf, "gen_ai.tool.name")).toBe("get_date");
  });

  it("each model call of an LLM tool is a CLIENT span `chat <model>` with GenAI attributes and its token usage", async () => {
    const otlp = await startReceiver();
    const registry = await startOurRegistry();
    registries.push(registry);
    const model = await startScriptedLlm();
    models.push(model);
    // A tool result seen -> answer (7 in / 3 out); get_date offered -> call it (2 in / 1 out).
    const step = (req: RecordedRequest) =>
      req.messages.at(-1)?.role === "tool"
        ? { text: "done", usage: { prompt_tokens: 7, completion_tokens: 3 } }
        : {
            toolCalls: [{ name: "get_date", arguments: { tz: "CET" } }],
            usage: { prompt_tokens: 2, completion_tokens: 1 },
          };
    model.push(...Array.from({ length: 200 }, () => step));
    const env = {
      MCP_MESH_REGISTRY_URL: registry.url,
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    };
    procs.push(await startAgentProcess("provider.mjs", { ...env, AGENT_NAME: "dates" }));
    procs.push(await startAgentProcess("llm-provider.mjs", { ...env, AGENT_NAME: "llm-a", LLM_BASE_URL: model.url }));
    const consumer = await startAgentProcess("llm-consumer.mjs", { ...env, PROVIDER_TAGS: "scripted" });
    procs.push(consumer);
    await waitFor(
      async () => ((await callText(consumer.url, "ask", {})).startsWith("done") ? true : undefined),
      20_000,
      "the LLM chain calling the tool agent",
    );
    const attr = (s: OtlpSpan, k: string) => {
      const v = s.attributes.find((a) => a.key === k)?.value;
      return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : undefined);
    };
    const chats = await waitFor(
      () => {
        const leaf = otlp.spans.find((s) => s.name === "tools/call get_date");
        const mine = leaf ? otlp.spans.filter((s) => s.traceId === leaf.traceId && s.name.startsWith("chat")) : [];
        return mine.length >= 3 ? mine : undefined;
      },
      30_000,
      "the iteration spans at the receiver",
    );
    for (const c of chats) {
      expect(c.kind).toBe(3);
      expect(c.name).toMatch(/^chat \S+$/);
      expect(attr(c, "gen_ai.operation.name")).toBe("chat");
      expect(attr(c, "gen_ai.response.model")).toBeTruthy();
    }
    const provider = chats.filter((c) => c.service === "llm-a");
    // The provider knows the model it asks for; the consumer here names none.
    for (const c of provider) expect(attr(c, "gen_ai.request.model")).toBeTruthy();
    const usage = provider.map((c) => [attr(c, "gen_ai.usage.input_tokens"), attr(c, "gen_ai.usage.output_tokens")]);
    expect(usage.sort()).toEqual([
      [2, 1],
      [7, 3],
    ]);
    // The consumer's one iteration (its call to the provider) reports the provider's totals.
    const consumerChat = chats.find((c) => c.service === "llm-consumer") as OtlpSpan & { service: string };
    expect(attr(consumerChat, "gen_ai.usage.input_tokens")).toBe(9);
    // The tool call the model asked for runs under the first provider iteration.
    const first = provider.find((c) => attr(c, "gen_ai.usage.input_tokens") === 2) as OtlpSpan;
    const toolHop = otlp.spans.find((s) => s.parentSpanId === first.spanId);
    expect(toolHop?.name).toBe("tools/call get_date");
  });
});
