// The LLM layer end to end, every part a real process: our registry, our TS consumer (a
// structured `llm` tool with a file:// Nunjucks prompt), our TS provider (`agent.llmProvider`)
// pointed by baseURL at the scripted model through the real @ai-sdk/openai-compatible, and two
// tool agents the consumer's filter selects by tags. The scripted model asks for tool calls; the
// tool agents record what they ran and the scripted model records what it saw.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type RecordedRequest, type ScriptedLlm, startScriptedLlm } from "../src/testing/scripted-llm.js";
import {
  type AgentProcess,
  callText,
  callTool,
  startAgentProcess,
  startOurRegistry,
  waitFor,
} from "./agent-processes.js";

const procs: AgentProcess[] = [];
const models: ScriptedLlm[] = [];
let registry: RegistryProcess;
let env: Record<string, string>;
let model: ScriptedLlm;
let provider: AgentProcess;
let math: AgentProcess;
let units: AgentProcess;
let consumer: AgentProcess;

async function start(file: string, extra: Record<string, string>): Promise<AgentProcess> {
  const p = await startAgentProcess(file, { ...env, ...extra });
  procs.push(p);
  return p;
}

beforeAll(async () => {
  model = await startScriptedLlm();
  models.push(model);
  // A killed agent leaves the registry after 5 s without heartbeats (agents beat every second).
  registry = await startOurRegistry({ HEALTH_CHECK_INTERVAL: "1", DEFAULT_TIMEOUT_THRESHOLD: "5" });
  env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
  [provider, math, units, consumer] = await Promise.all([
    start("llm-provider.mjs", { AGENT_NAME: "provider-a", LLM_BASE_URL: model.url, LLM_TAGS: "e2e" }),
    start("llm-tools.mjs", {}),
    start("llm-units.mjs", {}),
    start("llm-e2e-consumer.mjs", { PROVIDER_TAGS: "e2e" }),
  ]);
  // Wired: the provider resolved and every tool the filter selects is listed.
  await waitFor(
    async () => {
      const out = (await solve({ question: "", probe: true })).result?.explanation ?? "no llm";
      if (out === "no llm") return undefined;
      const { tools } = JSON.parse(out) as { tools: string[] };
      return ["add", "multiply", "broken", "to_celsius", "gate"].every((t) => tools.includes(t)) ? true : undefined;
    },
    30_000,
    "the consumer's LLM wired to the provider and both tool agents",
  );
}, 90_000);

afterAll(async () => {
  await Promise.allSettled(procs.map((p) => p.kill()));
  await registry?.stop();
  await Promise.allSettled(models.map((m) => m.close()));
});

type Solved = {
  result?: { answer: number; explanation: string };
  meta?: { inputTokens: number; outputTokens: number; iterations: number; model: string; endpoint: string };
  error?: { code: string; message: string };
};
/** Calls `solve`: its answer (a failed call has none), and the consumer's record of the request. */
async function solve(args: Record<string, unknown>): Promise<Solved> {
  const r = await callTool(consumer.url, "solve", args);
  const result = r.body?.result?.isError ? undefined : r.body?.result?.structuredContent;
  const last = JSON.parse(await callText(consumer.url, "last")) as Omit<Solved, "result">;
  return { ...last, ...(result && { result }) };
}
/** One side's LLM counters in an agent's /metrics: sums over provider/model, and the label sets seen. */
async function llmMetrics(url: string, side: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string, extra = "") => {
    let total = 0;
    for (const m of text.matchAll(new RegExp(`^${name}\\{side="${side}"([^}]*)\\} (\\S+)$`, "gm")))
      if ((m[1] as string).includes(extra)) total += Number(m[2]);
    return total;
  };
  const labels = [...text.matchAll(new RegExp(`^mcp_mesh_llm_iterations_total\\{side="${side}",([^}]*)\\}`, "gm"))].map(
    (m) => m[1] as string,
  );
  return {
    iterations: sum("mcp_mesh_llm_iterations_total"),
    input: sum("mcp_mesh_llm_tokens_total", 'type="input"'),
    output: sum("mcp_mesh_llm_tokens_total", 'type="output"'),
    labels,
  };
}
const toolMessages = (r: RecordedRequest | undefined) => (r?.messages ?? []).filter((m) => m.role === "tool");
const recorded = async (agent: AgentProcess, tool: string) =>
  JSON.parse(await callText(agent.url, tool)) as Array<{ tool: string; args: unknown }>;

describe("consumer → provider → scripted model → tool agents, as processes", () => {
  it("runs the model's tool calls on both tool agents, feeds back their results, validates the structured answer and sums usage", async () => {
    const first = model.requests.length;
    model.push(
      {
        toolCalls: [
          { name: "add", arguments: { a: 2, b: 3 } },
          { name: "to_celsius", arguments: { fahrenheit: 212 } },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 10 },
      },
      (req) => ({
        json: {
          answer: 5,
          explanation: toolMessages(req)
            .map((m) => m.content)
            .join(" | "),
        },
        usage: { prompt_tokens: 50, completion_tokens: 20 },
      }),
    );
    const out = await solve({ question: "What is 2 + 3, and 212 F in C?" });
    expect(out.error).toBeUndefined();

    // The tool agents really ran, with the model's arguments.
    expect(await recorded(math, "calls")).toEqual(
      expect.arrayContaining([expect.objectContaining({ tool: "add", args: { a: 2, b: 3 } })]),
    );
    expect(await recorded(units, "unit_calls")).toEqual([{ tool: "to_celsius", args: { fahrenheit: 212 } }]);

    // What the model saw: the rendered file:// prompt, the tagged tools only, then the results.
    const [ask, again] = model.requests.slice(first);
    const system = String(ask?.messages[0]?.content);
    expect(system).toContain(
      "You solve maths and unit questions for Ada. The question: What is 2 + 3, and 212 F in C?",
    );
    const offered = (ask?.tools ?? []).map((t) => (t.function as { name: string }).name).sort();
    expect(offered).toEqual(["add", "broken", "gate", "multiply", "to_celsius"]);
    const results = toolMessages(again).map((m) => String(m.content));
    expect(results).toHaveLength(2);
    expect(results.some((c) => c.includes("5"))).toBe(true);
    expect(results.some((c) => c.includes('"celsius":100'))).toBe(true);

    // The validated structured answer, and usage summed over both model calls.
    expect(out.result?.answer).toBe(5);
    expect(out.result?.explanation).toContain('"celsius":100');
    expect(out.meta).toMatchObject({ inputTokens: 150, outputTokens: 30 });
    expect(out.meta?.endpoint).toBe(provider.url);
  }, 60_000);

  it("counts LLM iterations and input/output tokens per provider and model, on the consumer and the provider", async () => {
    const before = [await llmMetrics(consumer.url, "consumer"), await llmMetrics(provider.url, "provider")];
    model.push({ json: { answer: 1, explanation: "one" }, usage: { prompt_tokens: 70, completion_tokens: 4 } });
    expect((await solve({ question: "one?" })).error).toBeUndefined();
    const after = [await llmMetrics(consumer.url, "consumer"), await llmMetrics(provider.url, "provider")];
    for (const i of [0, 1]) {
      expect(after[i]?.iterations).toBe((before[i]?.iterations ?? 0) + 1);
      expect(after[i]?.input).toBe((before[i]?.input ?? 0) + 70);
      expect(after[i]?.output).toBe((before[i]?.output ?? 0) + 4);
      expect(after[i]?.labels.every((l) => /provider="[^"]+",model="[^"]+"/.test(l))).toBe(true);
    }
  });

  it("a structured answer that does not match the output schema is llm_response_parse", async () => {
    model.push({ json: { answer: "five" } });
    const out = await solve({ question: "2 + 3?" });
    expect(out.error?.code).toBe("llm_response_parse");
  }, 60_000);

  it("stops at max iterations with the llm_max_iterations MeshError", async () => {
    const before = (await recorded(math, "calls")).length;
    model.push(
      { toolCalls: [{ name: "add", arguments: { a: 1, b: 1 } }] },
      { toolCalls: [{ name: "add", arguments: { a: 2, b: 2 } }] },
    );
    const out = await solve({ question: "count forever", maxIterations: 2 });
    expect(out.error?.code).toBe("llm_max_iterations");
    expect(out.result).toBeUndefined();
    expect(model.remaining).toBe(0);
    expect((await recorded(math, "calls")).length - before).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("a tool that fails is an {error} the model reads and recovers from", async () => {
    const first = model.requests.length;
    model.push({ toolCalls: [{ name: "broken", arguments: {} }] }, (req) => ({
      json: { answer: -1, explanation: `recovered from ${toolMessages(req).at(-1)?.content}` },
    }));
    const out = await solve({ question: "use the abacus" });
    expect(out.error).toBeUndefined();
    const seen = String(toolMessages(model.requests[first + 1]).at(-1)?.content);
    expect(JSON.parse(seen)).toEqual({ error: expect.stringContaining("the abacus is broken") });
    expect(out.result).toEqual({ answer: -1, explanation: `recovered from ${seen}` });
  }, 60_000);

  it("streams end to end: the first chunk reaches the consumer while the provider's loop is still running", async () => {
    await waitFor(
      async () => ((await callText(consumer.url, "tell", { prompt: "probe" })) === "wired" ? true : undefined),
      30_000,
      "tell wired",
    );
    // The model writes "Let me check. " and calls `gate`, which answers "released" only once the
    // consumer has released it, which it does on its first chunk: a buffered answer would only
    // arrive after the gate gave up ("not released").
    model.push({ text: "Let me check. ", toolCalls: [{ name: "gate", arguments: {} }] }, (req) => ({
      text: `The gate said ${toolMessages(req).at(-1)?.content}`,
    }));
    const out = JSON.parse(await callText(consumer.url, "tell", { prompt: "open the gate" })) as {
      chunks?: string[];
      error?: unknown;
    };
    expect(out.error).toBeUndefined();
    const text = (out.chunks ?? []).join("");
    expect(out.chunks?.[0]).toBe("Let ");
    expect(text.startsWith("Let me check. The gate said ")).toBe(true);
    expect(text).toContain("released");
    expect(text).not.toContain("not released");
    expect(out.chunks?.length).toBeGreaterThan(3);
  }, 60_000);

  it("a provider killed with SIGKILL: the consumer fails over to another of the same tags, then gets null", async () => {
    const other = await startScriptedLlm();
    models.push(other);
    // Each model answers its own name, as often as asked (the step puts itself back).
    const answerForever = (m: ScriptedLlm, name: string) => {
      const step = () => {
        m.push(step);
        return { json: { answer: 0, explanation: name } };
      };
      m.push(step);
    };
    answerForever(model, "A");
    answerForever(other, "B");
    const providerB = await start("llm-provider.mjs", {
      AGENT_NAME: "provider-b",
      LLM_BASE_URL: other.url,
      LLM_TAGS: "e2e",
    });
    const seen = new Set<string>();
    await waitFor(
      async () => {
        const out = await solve({ question: "who answers?" });
        if (out.result) seen.add(out.result.explanation);
        return seen.size === 2 ? true : undefined;
      },
      30_000,
      "answers from both providers",
    );

    await provider.kill();
    const after: Solved[] = [];
    for (let i = 0; i < 5; i++) after.push(await solve({ question: "who answers?" }));
    expect(after.map((o) => o.error ?? o.result?.explanation)).toEqual(["B", "B", "B", "B", "B"]);

    await providerB.kill();
    // Until the registry notices (no heartbeat for 5 s) calls fail with a MeshError; then llm is null.
    const last = await waitFor(
      async () => {
        const out = await solve({ question: "anyone?" });
        if (out.result?.explanation === "no llm") return "no llm";
        expect(out.error?.code).toMatch(/^llm_provider_(unavailable|error)$/);
        return undefined;
      },
      30_000,
      "llm null once both providers are gone",
    );
    expect(last).toBe("no llm");
  }, 90_000);
});
