// meshctl status's LLM section against a live registry (ours, in-process): the provider a tool's
// LLM resolved to and why, the tools its model may call and which filter entry chose each, and
// the reasons when nothing matches.
import { createTestMesh, type TestMesh, waitForLlm } from "@mcp-mesh/sdk/testing";
import pc from "picocolors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llmStatuses, renderLlmStatus } from "./llm-status.js";
import { createRegistryClient } from "./registry-client.js";

const c = pc.createColors(false);

describe("meshctl status: LLM wiring", () => {
  let m: TestMesh;

  beforeAll(async () => {
    m = await createTestMesh();
    const tools = m.agent({ name: "math" });
    tools.tool({ name: "add", capability: "adder", tags: ["math"], handler: () => 1 });
    const provider = m.agent({ name: "claude" });
    provider.tool({
      name: "chat",
      capability: "llm",
      tags: ["claude"],
      kwargs: { vendor: "anthropic" },
      handler: () => "{}",
    });
    const consumer = m.agent({ name: "calc" });
    consumer.tool({
      name: "calculate",
      llm: { provider: { capability: "llm", tags: ["+claude"] }, filter: [{ tags: ["math"] }] },
      handler: () => "x",
    });
    consumer.tool({
      name: "lonely",
      llm: { provider: { capability: "llm", tags: ["gpt"] }, filter: ["nothing_here"] },
      handler: () => "x",
    });
    await m.start();
    await waitForLlm(consumer, "calculate", (w) => w.providers.length > 0 && w.tools.length > 0);
  });
  afterAll(() => m.close());

  it("shows the resolved provider and the tools with the filter entry that chose them, and why not", async () => {
    const client = createRegistryClient(m.registry?.url as string);
    const agents = await client.agents();
    const calc = await client.agent(agents.find((a) => a.name === "calc")?.id as string);
    const rows = llmStatuses(calc as NonNullable<typeof calc>, agents);
    const text = renderLlmStatus(rows, c).join("\n");
    expect(text).toMatch(
      /calculate → provider llm \[\+claude,-ai\.mcpmesh\.stream\]: ✓ claude-[0-9a-f]{8}:chat http:\S+ vendor anthropic/,
    );
    expect(text).toMatch(/tags \+claude,-ai\.mcpmesh\.stream match \(score \d+\); best of 1 llm provider/);
    expect(text).toMatch(/add \(adder\) http:\S+ {2}← filter \{"tags":\["math"\]\}/);
    expect(text).toMatch(/lonely → provider llm \[gpt,-ai\.mcpmesh\.stream\]: ✗ unresolved/);
    expect(text).toMatch(/claude-[0-9a-f]{8}:chat lacks tag gpt/);
    expect(text).toMatch(
      /tools \(0\): no healthy tool with an input schema matches \[\{"capability":"nothing_here"\}\]/,
    );
  });
});
