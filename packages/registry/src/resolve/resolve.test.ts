// Table tests of resolution as a pure function over an in-memory topology (PROTOCOL.md §2).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AgentRecord, DepSpec, ToolRecord } from "../model.js";
import { Topology } from "../topology.js";
import { makeEnv, resolveAgent } from "./agent.js";
import { byRank, type Ranked, resolveDependency, sortByRank } from "./dependency.js";
import { resolveLlmProvider, resolveLlmTools } from "./llm.js";

let seq = 0;
function toolOf(fn: string, capability: string, extra: Partial<ToolRecord> = {}): ToolRecord {
  return {
    function_name: fn,
    capability,
    version: "1.0.0",
    tags: [],
    description: "",
    dependencies: [],
    input_schema: { type: "object" },
    output_schema: null,
    input_schema_canonical: null,
    input_schema_hash: "",
    output_schema_canonical: null,
    output_schema_hash: "",
    schema_warnings: [],
    llm_filter: null,
    llm_provider: null,
    kwargs: {},
    seq: ++seq,
    ...extra,
  };
}

function agentOf(id: string, tools: ToolRecord[], status: AgentRecord["status"] = "healthy"): AgentRecord {
  return {
    agent_id: id,
    name: id,
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.0.0",
    description: "",
    http_host: "127.0.0.1",
    http_port: 9000,
    namespace: "default",
    status,
    a2a_producer: false,
    a2a_consumer: false,
    entity_id: "",
    surfaces: null,
    created_at: 0,
    updated_at: 0,
    last_full_refresh: 0,
    tools,
  };
}

function spec(capability: string, extra: Partial<DepSpec> = {}): DepSpec {
  return {
    capability,
    tags: [],
    version: "",
    namespace: "",
    required: false,
    expectedSchemaHash: "",
    expectedSchemaCanonical: null,
    matchMode: "",
    ...extra,
  };
}

function mesh(...agents: AgentRecord[]) {
  const topo = new Topology();
  for (const a of agents) topo.put(a);
  return makeEnv(topo, () => undefined);
}

const chosen = (env: ReturnType<typeof mesh>, s: DepSpec) =>
  resolveDependency(s, env).ranked[0]?.agent.agent_id ?? null;

describe("dependency resolution", () => {
  // Providers from PROTOCOL.md §2.3's cross-check: math 1.0.0 (fast, python) and 2.1.0 (typescript).
  const math = mesh(
    agentOf("math-py", [toolOf("add", "math", { version: "1.0.0", tags: ["fast", "python"] })]),
    agentOf("math-ts", [toolOf("add", "math", { version: "2.1.0", tags: ["typescript"] })]),
  );
  it.each([
    ["no constraint: highest version", spec("math"), "math-ts"],
    ["+fast: score beats version", spec("math", { tags: ["+fast"] }), "math-py"],
    ["^1.0.0", spec("math", { version: "^1.0.0" }), "math-py"],
    ["-fast excludes", spec("math", { tags: ["-fast"] }), "math-ts"],
    ["OR group", spec("math", { tags: [["java", "typescript"]] }), "math-ts"],
    [">=3.0.0: nothing", spec("math", { version: ">=3.0.0" }), null],
    ["required tag missing everywhere", spec("math", { tags: ["gpu"] }), null],
    ["capability is case-sensitive", spec("Math"), null],
  ])("%s", (_name, s, expected) => {
    expect(chosen(math, s)).toBe(expected);
  });

  it("breaks ties by agent id and skips unhealthy providers", () => {
    const env = mesh(
      agentOf("b-agent", [toolOf("f", "cap")]),
      agentOf("a-agent", [toolOf("f", "cap")]),
      agentOf("0-down", [toolOf("f", "cap")], "unhealthy"),
    );
    const out = resolveDependency(spec("cap"), env);
    expect(out.ranked.map((c) => c.agent.agent_id)).toEqual(["a-agent", "b-agent"]);
    expect(out.stages[0]).toMatchObject({ stage: "health", evicted: [{ id: "0-down:f", reason: "Unhealthy" }] });
    expect(out.stages.at(-1)).toMatchObject({
      stage: "tiebreaker",
      chosen: "a-agent:f",
      reason: "HighestScoreThenVersion",
    });
  });

  it("gives every dropped candidate a reason", () => {
    const env = mesh(
      agentOf("old", [toolOf("f", "cap", { version: "0.9.0", tags: ["x"] })]),
      agentOf("beta", [toolOf("f", "cap", { version: "1.5.0", tags: ["x", "beta"] })]),
      agentOf("plain", [toolOf("f", "cap", { version: "1.5.0" })]),
    );
    const out = resolveDependency(spec("cap", { tags: ["x", "-beta"], version: ">=1.0" }), env);
    const evicted = out.stages.flatMap((s) => s.evicted ?? []);
    expect(evicted).toEqual([
      { id: "beta:f", reason: "ExtraTagDisallowed", details: { disallowed: ["beta"] } },
      { id: "plain:f", reason: "MissingTag", details: { missing: ["x"] } },
      { id: "old:f", reason: "VersionConstraintFailed", details: { version: "0.9.0", constraint: ">=1.0" } },
    ]);
    expect(out.ranked).toEqual([]);
  });

  it("lists a busy stage's first 8 kept and 16 evicted candidates and counts them all", () => {
    const agents = Array.from({ length: 40 }, (_, i) => {
      const id = `p${String(i).padStart(2, "0")}`;
      // Even providers have the tag; odd ones are evicted for lacking it, 3 of them also old.
      const tags = i % 2 === 0 ? ["gpu"] : [];
      return agentOf(id, [toolOf("f", "cap", { tags, version: i % 2 === 0 && i < 6 ? "0.1.0" : "1.0.0" })]);
    });
    const out = resolveDependency(spec("cap", { tags: ["gpu"], version: ">=1.0" }), mesh(...agents));
    const tags = out.stages.find((s) => s.stage === "tags");
    expect(tags?.evicted).toHaveLength(16);
    expect(tags?.evicted_total).toBe(20);
    expect(tags?.evicted?.[0]).toEqual({ id: "p01:f", reason: "MissingTag", details: { missing: ["gpu"] } });
    expect(tags?.kept).toHaveLength(8);
    expect(tags?.kept_total).toBe(20);
    // A stage within the limits lists everything and carries no totals.
    const version = out.stages.find((s) => s.stage === "version");
    expect(version?.evicted?.map((e) => e.id)).toEqual(["p00:f", "p02:f", "p04:f"]);
    expect(version).not.toHaveProperty("evicted_total");
    expect(version?.kept).toHaveLength(8);
    expect(version?.kept_total).toBe(17);
    // The tiebreaker's are the best, in rank order (ties by agent id).
    const tiebreaker = out.stages.find((s) => s.stage === "tiebreaker");
    expect(tiebreaker?.kept).toEqual(["p06:f", "p08:f", "p10:f", "p12:f", "p14:f", "p16:f", "p18:f", "p20:f"]);
    expect(out.ranked).toHaveLength(17);
  });

  it("evicts providers whose required dependency cannot be met, transitively", () => {
    const needsGeo = agentOf("weather", [
      toolOf("forecast", "forecast", { dependencies: [spec("geo", { required: true })] }),
    ]);
    const without = mesh(needsGeo);
    const out = resolveDependency(spec("forecast"), without);
    expect(out.ranked).toEqual([]);
    expect(out.stages[0]?.evicted?.[0]).toMatchObject({ reason: "Unavailable" });
    const withGeo = mesh(needsGeo, agentOf("geo", [toolOf("locate", "geo")]));
    expect(chosen(withGeo, spec("forecast"))).toBe("weather");
  });
});

describe("whole-agent resolution", () => {
  it("answers one position per declared dependency, in order, with counters", () => {
    const consumer = agentOf("c", [
      toolOf("greet", "greeting", { dependencies: [spec("date"), spec("missing"), spec("date", { tags: ["nope"] })] }),
    ]);
    const env = mesh(agentOf("d", [toolOf("now", "date", { kwargs: { timeout: 5 } })]), consumer);
    const out = resolveAgent(consumer, env, { trace: false, maxAlternatives: 8 });
    expect(out.resolution.dependencies_resolved.greet?.map((d) => d.status)).toEqual([
      "available",
      "unresolved",
      "unresolved",
    ]);
    expect(out.resolution.dependencies_resolved.greet?.[0]).toMatchObject({
      function_name: "now",
      kwargs: { timeout: 5 },
      endpoint: "http://127.0.0.1:9000",
    });
    expect([out.total, out.resolved]).toEqual([3, 1]);
  });
});

describe("LLM tools and providers", () => {
  const env = mesh(
    agentOf("self", [toolOf("mine", "memory", { tags: ["memory"] })]),
    agentOf("m1", [toolOf("recall", "memory", { tags: ["memory", "fast"], version: "1.0.0" })]),
    agentOf("m2", [toolOf("recall2", "memory", { tags: ["memory"], version: "2.0.0" })]),
    agentOf("w", [
      toolOf("weather", "weather", { tags: ["tools"] }),
      toolOf("noschema", "weather", { input_schema: null }),
    ]),
    agentOf("llm-a", [toolOf("claude", "llm", { tags: ["claude"], kwargs: { vendor: "anthropic" } })]),
    agentOf("llm-b", [toolOf("gpt", "llm", { tags: ["gpt"], version: "2.0.0" })]),
  );
  const names = (list: ReturnType<typeof resolveLlmTools>) => list?.map((t) => t.name);

  it.each([
    ["capability string", { filter: ["weather"] }, ["weather"]],
    ["tag filter sorted by score", { filter: [{ tags: ["memory", "+fast"] }] }, ["recall", "mine", "recall2"]],
    [
      "'*' string takes every tool with a schema",
      { filter: ["*"] },
      ["mine", "recall", "recall2", "weather", "claude", "gpt"],
    ],
    [
      "filter_mode '*' excludes the requester's own tools",
      { filter: [], filter_mode: "*" },
      ["recall", "recall2", "weather", "claude", "gpt"],
    ],
    [
      "best_match keeps one tool per capability",
      { filter: [{ capability: "memory" }], filter_mode: "best_match" },
      ["recall2"],
    ],
    ["version constraint", { filter: [{ capability: "memory", version: "<2" }] }, ["mine", "recall"]],
  ])("%s", (_name, filter, expected) => {
    expect(names(resolveLlmTools(filter, "self", env))).toEqual(expected);
  });

  it("gives no key at all when filter is not an array", () => {
    expect(resolveLlmTools({ filter: "weather" }, "self", env)).toBeNull();
  });

  it("chooses an LLM provider by tags and reports its vendor", () => {
    const p = resolveLlmProvider({ capability: "llm", tags: ["claude"], version: "", namespace: "" }, env);
    expect(p).toMatchObject({ name: "claude", agent_id: "llm-a", vendor: "anthropic", status: "available" });
    const untagged = resolveLlmProvider({ capability: "llm", tags: [], version: ">=2", namespace: "" }, env);
    expect(untagged).toMatchObject({ agent_id: "llm-b", vendor: "unknown" });
    expect(resolveLlmProvider({ capability: "llm", tags: ["mistral"], version: "", namespace: "" }, env)).toBeNull();
  });

  it("lists the other matching providers as alternatives (our extension), best first, only when asked", () => {
    const req = { capability: "llm", tags: ["+claude"], version: "", namespace: "" };
    expect(resolveLlmProvider(req, env)?.alternatives).toBeUndefined();
    const p = resolveLlmProvider(req, env, 5);
    expect(p).toMatchObject({ agent_id: "llm-a" });
    expect(p?.alternatives).toEqual([
      { agent_id: "llm-b", function_name: "gpt", endpoint: expect.stringMatching(/^http:/), equal: false },
    ]);
  });
});

describe("sortByRank", () => {
  it("orders any list exactly as the built-in stable sort with byRank does", () => {
    const entry = fc.record({
      score: fc.constantFrom(0, 5, 10, 15),
      version: fc.constantFrom("1.0.0", "1.2.0", "2.0.0", "2.0.0-beta", "x"),
      id: fc.constantFrom("a", "b", "c", "d"),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (rows) => {
        const list: Ranked[] = rows.map((r, i) => ({
          agent: { agent_id: r.id } as AgentRecord,
          tool: { ...toolOf(`f${i}`, "cap"), version: r.version },
          score: r.score,
        }));
        expect(sortByRank([...list])).toEqual([...list].sort(byRank));
      }),
      { numRuns: 500 },
    );
  });
});
