// Real processes: our registry, a tool agent, two LLM providers of the same tags (wire-exact
// stand-ins, test/fixtures/envelope-provider.mjs) and an LLM consumer. The provider runs the mesh
// tool it was handed; a killed provider costs no failed request (its alternative answers), and
// with none left the consumer's llm is null.
import { describe, expect, it } from "vitest";
import { callText, processScope, waitFor } from "./agent-processes.js";

const { start, registry: startRegistry } = processScope();

describe("an LLM consumer, its providers and a tool agent as processes", () => {
  it("answers through the provider and the tool; fails over on kill -9; null when none is left", async () => {
    const registry = await startRegistry();
    const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    await start("provider.mjs", { ...env, AGENT_NAME: "dates", REPLY: "date" });
    const a = await start("envelope-provider.mjs", {
      ...env,
      AGENT_NAME: "llm-a",
      TAGS: "claude",
      REPLY: "A",
      TOOL_ARGS: '{"tz":"CET"}',
    });
    const b = await start("envelope-provider.mjs", {
      ...env,
      AGENT_NAME: "llm-b",
      TAGS: "claude",
      REPLY: "B",
      TOOL_ARGS: '{"tz":"CET"}',
    });
    const consumer = await start("llm-consumer.mjs", { ...env, PROVIDER_TAGS: "claude" });
    const ask = () => callText(consumer.url, "ask", {});
    // Wired once both providers are listed (the second arrives as the alternative).
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const out = await ask();
        if (out.startsWith("A: ") || out.startsWith("B: ")) seen.add(out.slice(0, 1));
        return seen.size === 2 ? true : undefined;
      },
      20_000,
      "answers from both providers",
    );
    const answer = await ask();
    expect(answer).toMatch(/^[AB]: date:CET \[scripted\/[AB]\]$/);

    await a.kill();
    const after: string[] = [];
    for (let i = 0; i < 10; i++) after.push(await ask());
    expect(after.every((o) => o === "B: date:CET [scripted/B]")).toBe(true);

    await b.stop(); // unregisters: the registry re-resolves and tells the consumer
    expect(await waitFor(async () => ((await ask()) === "no llm" ? "no llm" : undefined), 20_000, "llm null")).toBe(
      "no llm",
    );
  }, 90_000);
});
