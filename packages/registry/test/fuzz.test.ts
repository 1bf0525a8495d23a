// Property test: whatever sequence of mangled registrations, garbage bodies, fast heartbeats
// and unregisters arrives, the registry never answers 5xx, always answers in its JSON shapes,
// keeps the agents that were registered before intact and resolving, and stays healthy.
//
// Each run gets a fresh registry (so a failure shrinks to a minimal, replayable sequence).
// Set FUZZ_RUNS / FUZZ_SEED to dig deeper or to replay a reported counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

// ---- baseline: registered before every run, must come through untouched -------------------

const CLOCK = "clock-provider-0a0a0a0a"; // provides a capability the fuzzer also registers
const VAULT = "vault-provider-0b0b0b0b"; // provides a capability nobody else can offer
const PLANNER = "planner-0c0c0c0c"; // depends on both
const BASELINE = [CLOCK, VAULT, PLANNER];

const baselineBodies = [
  agent(CLOCK, [tool("now", "date_service", { version: "1.5.0", tags: ["system", "time"], kwargs: { timeout: 5 } })]),
  agent(VAULT, [
    tool("open_vault", "baseline.vault", { version: "2.3.0", tags: ["secure"], kwargs: { retry_count: 2 } }),
  ]),
  agent(PLANNER, [
    tool("plan", "planning", {
      tags: ["demo"],
      dependencies: [
        { capability: "date_service", tags: ["system"], required: true },
        { capability: "baseline.vault", tags: ["secure", "+fast", "-broken"], version: ">=2.0.0 <3.0.0" },
      ],
    }),
  ]),
];

interface Snapshot {
  capabilities: Map<string, unknown>;
  vaultResolution: unknown;
  vaultDependency: unknown;
}

async function seed(reg: TestRegistry): Promise<Snapshot> {
  let planner: any;
  for (const body of baselineBodies) {
    const r = await reg.post(body);
    if (r.json?.status !== "success") throw new Error(`baseline registration failed: ${JSON.stringify(r.json)}`);
    planner = r.json;
  }
  const list = await reg.get("/agents");
  const capabilities = new Map<string, unknown>(list.json.agents.map((a: any) => [a.id, a.capabilities]));
  const row = list.json.agents.find((a: any) => a.id === PLANNER);
  return {
    capabilities,
    vaultResolution: row.dependency_resolutions[1],
    vaultDependency: planner.dependencies_resolved.plan[1],
  };
}

// ---- generators ------------------------------------------------------------------------------

const FUZZ_IDS = ["fz-alpha", "fz-beta", "fuzz-provider-12345678", "x", "fz-api"];
// "." and ".." cannot be put in a URL path segment (clients resolve them as dot-segments).
const notBaseline = (s: string) => !BASELINE.includes(s) && s !== "." && s !== "..";
/** Ids for POST/HEAD/DELETE: a small pool (so agents are hit again) or random text. */
const idArb = fc
  .oneof(
    { weight: 6, arbitrary: fc.constantFrom(...FUZZ_IDS) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/) },
  )
  .filter(notBaseline);

const hostileKey = fc.constantFrom("__proto__", "constructor", "toString", "prototype", "hasOwnProperty");
const jsonArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.oneof(hostileKey, fc.string({ maxLength: 8 })), fc.jsonValue({ maxDepth: 2 }), {
      maxKeys: 4,
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom(-1, 0, 65536, 1e308, -0.5, 2 ** 53, "", "0", [], {}, [[[]]], null, true) },
);

const capabilityArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("date_service", "weather", "llm.chat", "planning", "media.caption", "") },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const providerTagArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("system", "time", "secure", "python", "deprecated") },
  { weight: 1, arbitrary: fc.constantFrom("+time", "-x", "", "+", "-") },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const tagArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom("system", "time", "+time", "-deprecated", "python", "+", "-", "", "secure", "-system"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const tagTermArb = fc.oneof(
  { weight: 3, arbitrary: tagArb },
  { weight: 1, arbitrary: fc.array(tagArb, { maxLength: 3 }) },
);
const versionArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom("1.0.0", "1.5.0", "2.3.0", "9.9.9", "0.0.1-beta.1", "v2", "1.2", "not.a.version", ""),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const constraintArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ">=1.0.0",
      "^1.2",
      "~2.3",
      "<0.0.1",
      "1.x",
      ">=1 <2 || >=3",
      "=1.5.0",
      "!=1.5.0",
      "||",
      ">=",
      "*",
      "",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 16 }) },
);

const depArb = fc.record(
  {
    capability: capabilityArb,
    tags: fc.array(tagTermArb, { maxLength: 3 }),
    version: constraintArb,
    required: fc.boolean(),
    namespace: fc.constantFrom("default", "other"),
    matchMode: fc.constantFrom("subset", "strict"),
  },
  { requiredKeys: ["capability"] },
  // (fc.record leaves each optional key out half of the time)
);

const toolArb = fc.record(
  {
    function_name: fc.oneof(fc.constantFrom("f", "g", "__proto__", "constructor", ""), fc.string({ maxLength: 10 })),
    capability: capabilityArb,
    version: versionArb,
    tags: fc.array(providerTagArb, { maxLength: 4 }),
    dependencies: fc.array(depArb, { maxLength: 3 }),
    kwargs: fc.dictionary(fc.oneof(hostileKey, fc.constantFrom("timeout", "vendor", "task")), jsonArb, { maxKeys: 3 }),
    inputSchema: fc.constant({ type: "object", properties: {} }),
    llm_filter: fc.record({
      filter: fc.array(fc.oneof(fc.record({ capability: capabilityArb }), fc.string({ maxLength: 6 })), {
        maxLength: 2,
      }),
    }),
    llm_provider: fc.record({ capability: capabilityArb }),
  },
  { requiredKeys: ["function_name", "capability"] },
);

const registrationArb = fc
  .record({
    id: idArb,
    tools: fc.array(toolArb, { maxLength: 3 }),
    agent_type: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("mcp_agent", "api", "a2a") },
      { weight: 1, arbitrary: fc.constantFrom("robot", "") },
    ),
    runtime: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("typescript", "python", "java") },
      { weight: 1, arbitrary: fc.constantFrom("rust", "") },
    ),
    http_port: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 1, max: 65535 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 70000) },
    ),
  })
  .map(({ id, tools, ...extra }) => agent(id, tools, extra));

type Mutation = { where: "agent" | "tool" | "dep"; key: string; value: unknown | typeof DROP };
const DROP = Symbol("drop");
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  where: fc.constantFrom("agent", "tool", "dep"),
  key: fc.oneof(
    fc.constantFrom(
      "agent_id",
      "name",
      "namespace",
      "http_port",
      "http_host",
      "tools",
      "description",
      "version",
      "runtime",
      "agent_type",
      "a2a_producer",
    ),
    fc.constantFrom(
      "function_name",
      "capability",
      "tags",
      "dependencies",
      "kwargs",
      "inputSchema",
      "llm_filter",
      "llm_provider",
    ),
    fc.constantFrom("required", "version", "matchMode", "expectedSchemaHash"),
    hostileKey,
  ),
  value: fc.oneof(fc.constant(DROP), jsonArb),
});

function mutate(body: Record<string, any>, mutations: Mutation[]): Record<string, any> {
  const out = structuredClone(body);
  for (const m of mutations) {
    const target = m.where === "agent" ? out : m.where === "tool" ? out.tools?.[0] : out.tools?.[0]?.dependencies?.[0];
    if (target === null || typeof target !== "object") continue;
    if (m.value === DROP) delete target[m.key];
    else Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

type Op =
  | { kind: "post"; body: Record<string, any> }
  | { kind: "raw"; text: string; contentType: string | null }
  | { kind: "head"; id: string }
  | { kind: "del"; id: string }
  | { kind: "headBaseline"; id: string }
  | { kind: "refreshPlanner" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: registrationArb.map((body): Op => ({ kind: "post", body })) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(registrationArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
      .map(([body, muts]): Op => ({ kind: "post", body: mutate(body, muts) })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "null"),
          fc.tuple(registrationArb, fc.nat()).map(([b, n]) => {
            const s = JSON.stringify(b);
            return s.slice(0, n % s.length); // truncated JSON
          }),
        ),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", null),
      )
      .map(([text, contentType]): Op => ({ kind: "raw", text, contentType })),
  },
  { weight: 2, arbitrary: idArb.map((id): Op => ({ kind: "head", id })) },
  { weight: 2, arbitrary: idArb.map((id): Op => ({ kind: "del", id })) },
  { weight: 2, arbitrary: fc.constantFrom(...BASELINE).map((id): Op => ({ kind: "headBaseline", id })) },
  { weight: 1, arbitrary: fc.constant<Op>({ kind: "refreshPlanner" }) },
);

// ---- running one command and checking the answer's shape -----------------------------------

/** What the test expects of the registry, from the answers it got. */
interface Model {
  /** Each agent the run registered, and the state it must be listed in. */
  agents: Map<string, "healthy" | "unhealthy">;
  /** The date_service provider the planner was last told about (agent/function/endpoint). */
  plannerTold: string;
}

const urlId = (id: string) => encodeURIComponent(id);
const told = (agentId: string, fn: string, endpoint: string) => `${agentId}/${fn}@${endpoint}`;

function noLeak(text: string): void {
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|internal error/);
}

async function run(reg: TestRegistry, op: Op, model: Model): Promise<void> {
  switch (op.kind) {
    case "post":
    case "raw": {
      const payload = op.kind === "post" ? JSON.stringify(op.body) : op.text;
      const contentType = op.kind === "post" ? "application/json" : op.contentType;
      const r = await reg.app.inject({
        method: "POST",
        url: "/heartbeat",
        payload,
        headers: contentType ? { "content-type": contentType } : {},
      });
      expect(r.statusCode).toBeLessThan(500);
      expect([200, 400]).toContain(r.statusCode);
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
      noLeak(r.body);
      const body = JSON.parse(r.body);
      if (r.statusCode === 400) {
        expect(Object.keys(body).sort()).toEqual(["error", "timestamp"]);
        expect(body.error).toMatch(/^(Invalid JSON payload: .+|agent_id is required)$/);
        expect(body.timestamp).toMatch(RFC3339);
        return;
      }
      expect(typeof body.agent_id).toBe("string");
      expect(body.agent_id).not.toBe("");
      expect(body.timestamp).toMatch(RFC3339);
      expect(["success", "error"]).toContain(body.status);
      expect(typeof body.message).toBe("string");
      if (body.status === "success") {
        expect(body.message).toMatch(/^Agent (registered|updated) via heartbeat$/);
        expect(body.dependencies_resolved).toBeTypeOf("object");
        expect(body.llm_tools).toBeTypeOf("object");
        for (const list of Object.values(body.dependencies_resolved) as any[][]) {
          for (const d of list) expect(["available", "unresolved"]).toContain(d.status);
        }
        if (op.kind === "post") expectPositional(op.body, body.dependencies_resolved);
        model.agents.set(body.agent_id, "healthy");
      }
      return;
    }
    case "head":
    case "headBaseline": {
      const r = await reg.app.inject({ method: "HEAD", url: `/heartbeat/${urlId(op.id)}` });
      expect(r.body).toBe("");
      const state = op.kind === "headBaseline" ? "healthy" : model.agents.get(op.id);
      if (state === "healthy") expect([200, 202]).toContain(r.statusCode);
      else expect(r.statusCode).toBe(410);
      if (op.id === PLANNER) {
        // A planner whose date_service provider moved since its last POST must be told to re-POST.
        const row = (await reg.get("/agents?capabilities=planning")).json.agents.find((a: any) => a.id === PLANNER);
        const dep = row.dependency_resolutions[0];
        if (told(dep.provider_agent_id, dep.mcp_tool, dep.endpoint) !== model.plannerTold)
          expect(r.statusCode).toBe(202);
      }
      return;
    }
    case "refreshPlanner": {
      const r = await reg.post(baselineBodies[2]);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ agent_id: PLANNER, status: "success", message: "Agent updated via heartbeat" });
      const [date] = r.json.dependencies_resolved.plan;
      expect(date.status).toBe("available");
      model.plannerTold = told(date.agent_id, date.function_name, date.endpoint);
      expect(await reg.head(PLANNER)).toBe(200);
      return;
    }
    case "del": {
      const r = await reg.app.inject({ method: "DELETE", url: `/agents/${urlId(op.id)}` });
      expect(r.statusCode).toBe(204);
      expect(r.body).toBe("");
      if (model.agents.has(op.id)) model.agents.set(op.id, "unhealthy");
      return;
    }
  }
}

/** One entry per function with dependencies, one position per declared dependency, in order. */
function expectPositional(request: Record<string, any>, resolved: Record<string, any[]>): void {
  const expected = new Map<string, string[]>();
  for (const t of Array.isArray(request.tools) ? request.tools : []) {
    // A tool without a capability still has its dependencies resolved (web app routes).
    if (t?.function_name && Array.isArray(t.dependencies) && t.dependencies.length) {
      expected.set(
        t.function_name,
        t.dependencies.map((d: any) => d.capability ?? ""),
      );
    }
  }
  expect(Object.keys(resolved).sort()).toEqual([...expected.keys()].sort());
  for (const [fn, caps] of expected) {
    expect(Object.getOwnPropertyDescriptor(resolved, fn)?.value.map((d: any) => d.capability)).toEqual(caps);
  }
}

/** After every command: baseline intact and resolving, the model's agents as expected, /health up. */
async function checkInvariants(reg: TestRegistry, snap: Snapshot, model: Model): Promise<void> {
  const list = await reg.get("/agents");
  expect(list.status).toBe(200);
  const byId = new Map<string, any>((list.json.agents ?? []).map((a: any) => [a.id, a]));
  for (const id of BASELINE) {
    const a = byId.get(id);
    expect(a, `baseline ${id} listed`).toBeDefined();
    expect(a.status).toBe("healthy");
    expect(a.capabilities).toEqual(snap.capabilities.get(id));
  }
  const [clockDep, vaultDep] = byId.get(PLANNER).dependency_resolutions;
  expect(vaultDep).toEqual(snap.vaultResolution);
  // date_service may move to a better fuzz provider, but it must resolve to a live one that fits.
  expect(clockDep.status).toBe("available");
  const chosen = byId.get(clockDep.provider_agent_id);
  expect(chosen?.status).toBe("healthy");
  expect(
    chosen.capabilities.some(
      (c: any) => c.name === "date_service" && c.function_name === clockDep.mcp_tool && c.tags.includes("system"),
    ),
  ).toBe(true);
  for (const [id, state] of model.agents) {
    expect(byId.get(id)?.status, `agent ${JSON.stringify(id)}`).toBe(state);
  }
  expect(list.json.count).toBe(byId.size);
  const health = await reg.get("/health");
  expect(health.status).toBe(200);
  expect(health.json.status).toBe("healthy");
}

describe("registry under fuzzed registrations and heartbeats", () => {
  it("never 5xx, always JSON envelopes, baseline agents intact and resolving", async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
        const reg = await startRegistry();
        try {
          const snap = await seed(reg);
          const model: Model = { agents: new Map(), plannerTold: "" };
          await run(reg, { kind: "refreshPlanner" }, model);
          for (const op of ops) {
            await run(reg, op, model);
            await checkInvariants(reg, snap, model);
          }
          // A full heartbeat of the consumer still resolves everything the way it did.
          const again = await reg.post(baselineBodies[2]);
          expect(again.json.status).toBe("success");
          expect(again.json.dependencies_resolved.plan[0].status).toBe("available");
          expect(again.json.dependencies_resolved.plan[1]).toEqual(snap.vaultDependency);
        } finally {
          await reg.close();
          cleanup(reg.dir);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: false },
    );
    // Keeps the default run inside the suite's budget (FUZZ_RUNS is for deliberate long runs).
    if (process.env.FUZZ_RUNS === undefined) expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});
