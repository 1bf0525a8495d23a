// Hostile and malformed input against a running registry: every bad request gets the answer a
// user can act on (status + message, JSON envelope, no stack trace), and none of them damages
// the agents that were already registered (PROTOCOL.md §1.2 error table).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS } from "../src/registration.js";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const PROVIDER = "date-provider-1a2b3c4d";
const CONSUMER = "greeter-5e6f7a8b";

interface Raw {
  status: number;
  contentType: string;
  text: string;
}

async function send(
  reg: TestRegistry,
  method: "POST" | "GET" | "HEAD" | "DELETE",
  url: string,
  payload?: string,
  headers?: Record<string, string>,
): Promise<Raw> {
  const r = await reg.app.inject({ method, url, payload, headers });
  return { status: r.statusCode, contentType: String(r.headers["content-type"] ?? ""), text: r.body };
}

const postRaw = (reg: TestRegistry, payload: string, contentType = "application/json") =>
  send(reg, "POST", "/heartbeat", payload, contentType ? { "content-type": contentType } : {});

/** The reference error envelope {"error","timestamp"} with nothing a user should not see. */
function expectEnvelope(r: Raw, status: number, message: string | RegExp): void {
  expect(r.status).toBe(status);
  expect(r.contentType).toMatch(/^application\/json/);
  noLeak(r.text);
  const body = JSON.parse(r.text);
  expect(Object.keys(body).sort()).toEqual(["error", "timestamp"]);
  expect(body.timestamp).toMatch(RFC3339);
  if (typeof message === "string") expect(body.error).toBe(message);
  else expect(body.error).toMatch(message);
}

/** HTTP 200 with status:"error" — the reference's answer to a semantically invalid registration. */
function expectRegistrationError(r: Raw, agentId: string, message: string): void {
  expect(r.status).toBe(200);
  expect(r.contentType).toMatch(/^application\/json/);
  noLeak(r.text);
  const body = JSON.parse(r.text);
  expect(body).toEqual({ agent_id: agentId, status: "error", message, timestamp: expect.stringMatching(RFC3339) });
}

function noLeak(text: string): void {
  expect(text).not.toMatch(/\n\s+at /); // stack frames
  expect(text).not.toMatch(/node_modules|\.ts:\d+|\.js:\d+/);
  expect(text).not.toMatch(/internal error/i);
}

function baselineBodies() {
  const provider = agent(PROVIDER, [
    tool("get_date", "date_service", {
      version: "1.2.0",
      tags: ["system", "time"],
      description: "Returns the current date",
      kwargs: { timeout: 30 },
    }),
  ]);
  const consumer = agent(
    CONSUMER,
    [
      tool("greet", "greeting", {
        tags: ["demo"],
        dependencies: [{ capability: "date_service", tags: ["system", "+time"], version: ">=1.0.0", required: true }],
      }),
    ],
    { description: "Greets people" },
  );
  return { provider, consumer };
}

interface Snapshot {
  capabilities: Record<string, unknown>;
  resolutions: unknown;
}

async function seedBaseline(reg: TestRegistry): Promise<Snapshot> {
  const { provider, consumer } = baselineBodies();
  expect((await reg.post(provider)).json.status).toBe("success");
  const c = await reg.post(consumer);
  expect(c.json.status).toBe("success");
  expect(c.json.dependencies_resolved.greet[0]).toMatchObject({
    agent_id: PROVIDER,
    function_name: "get_date",
    status: "available",
  });
  const list = await reg.get("/agents");
  const byId = new Map<string, any>(list.json.agents.map((a: any) => [a.id, a]));
  return {
    capabilities: { [PROVIDER]: byId.get(PROVIDER).capabilities, [CONSUMER]: byId.get(CONSUMER).capabilities },
    resolutions: byId.get(CONSUMER).dependency_resolutions,
  };
}

/** The baseline agents are still listed, unchanged, still resolving; the registry is healthy. */
async function expectIntact(reg: TestRegistry, snap: Snapshot, expectedCount?: number): Promise<void> {
  const list = await reg.get("/agents");
  expect(list.status).toBe(200);
  const byId = new Map<string, any>((list.json.agents ?? []).map((a: any) => [a.id, a]));
  if (expectedCount !== undefined) expect(list.json.count).toBe(expectedCount);
  for (const id of [PROVIDER, CONSUMER]) {
    const a = byId.get(id);
    expect(a, `${id} still listed`).toBeDefined();
    expect(a.status).toBe("healthy");
    expect(a.capabilities).toEqual(snap.capabilities[id]);
  }
  expect(byId.get(CONSUMER).dependency_resolutions).toEqual(snap.resolutions);
  expect(byId.get(CONSUMER).dependency_resolutions[0]).toMatchObject({
    status: "available",
    provider_agent_id: PROVIDER,
  });
  expect(byId.get(PROVIDER).endpoint).toBe(`http://127.0.0.1:${(baselineBodies().provider as any).http_port}`);
  expect(await reg.head(CONSUMER)).not.toBe(410);
  const health = await reg.get("/health");
  expect(health.status).toBe(200);
  expect(health.json.status).toBe("healthy");
}

function deepObject(levels: number): string {
  return `${'{"a":'.repeat(levels)}{}${"}".repeat(levels)}`;
}

describe("POST /heartbeat with malformed or hostile bodies", () => {
  let reg: TestRegistry;
  let snap: Snapshot;

  beforeAll(async () => {
    reg = await startRegistry();
    snap = await seedBaseline(reg);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  const valid = (extra: Record<string, unknown>) =>
    JSON.stringify({ ...agent("fresh-agent", [tool("f", "cap_x")]), ...extra });
  const withTool = (extra: Record<string, unknown>) =>
    JSON.stringify(agent("fresh-agent", [tool("f", "cap_x", extra)]));

  const badRequests: Array<{ name: string; payload: string; contentType?: string; error: string | RegExp }> = [
    { name: "malformed JSON", payload: '{"agent_id": "x", tools: [', error: /^Invalid JSON payload: .+/ },
    {
      name: "truncated JSON",
      payload: '{"agent_id":"x","tools":[{"function_name":"f"',
      error: /^Invalid JSON payload: .+/,
    },
    { name: "empty body", payload: "", error: "Invalid JSON payload: body must be a JSON object" },
    { name: "whitespace body", payload: "  \n\t ", error: "Invalid JSON payload: body must be a JSON object" },
    {
      name: "empty body without content-type",
      payload: "",
      contentType: "",
      error: "Invalid JSON payload: body must be a JSON object",
    },
    {
      name: "JSON array",
      payload: '[{"agent_id":"x","tools":[]}]',
      error: "Invalid JSON payload: body must be a JSON object",
    },
    { name: "JSON string", payload: '"agent_id"', error: "Invalid JSON payload: body must be a JSON object" },
    { name: "JSON number", payload: "42", error: "Invalid JSON payload: body must be a JSON object" },
    { name: "JSON null", payload: "null", error: "Invalid JSON payload: body must be a JSON object" },
    {
      name: "JSON sent as text/plain",
      payload: "not json at all",
      contentType: "text/plain",
      error: /^Invalid JSON payload: /,
    },
    {
      name: "agent_id is a number",
      payload: valid({ agent_id: 42 }),
      error: /^Invalid JSON payload: agent_id: .*expected string/,
    },
    {
      name: "tools is an object",
      payload: valid({ tools: { f: {} } }),
      error: /^Invalid JSON payload: tools: .*expected array/,
    },
    {
      name: "tools is a string",
      payload: valid({ tools: "get_date" }),
      error: /^Invalid JSON payload: tools: .*expected array/,
    },
    {
      name: "http_port is a string",
      payload: valid({ http_port: "8080" }),
      error: /^Invalid JSON payload: http_port: .*expected number/,
    },
    {
      name: "http_port is a float",
      payload: valid({ http_port: 8080.5 }),
      error: /^Invalid JSON payload: http_port: .*expected int/,
    },
    {
      name: "tool tags are not strings",
      payload: withTool({ tags: ["ok", 7] }),
      error: /^Invalid JSON payload: tools\.0\.tags\.1: .*expected string/,
    },
    {
      name: "tool tags is a string",
      payload: withTool({ tags: "system" }),
      error: /^Invalid JSON payload: tools\.0\.tags: .*expected array/,
    },
    {
      name: "dependency given as a nested array (dependency-level OR)",
      payload: withTool({ dependencies: [[{ capability: "date_service" }, { capability: "clock" }]] }),
      error: /^Invalid JSON payload: tools\.0\.dependencies\.0: .*expected object/,
    },
    {
      name: "dependency required is a string",
      payload: withTool({ dependencies: [{ capability: "date_service", required: "yes" }] }),
      error: /^Invalid JSON payload: tools\.0\.dependencies\.0\.required: /,
    },
    {
      name: "inputSchema is an array",
      payload: withTool({ inputSchema: [1, 2] }),
      error: /^Invalid JSON payload: tools\.0\.inputSchema: /,
    },
    {
      name: "kwargs is a string",
      payload: withTool({ kwargs: "timeout=30" }),
      error: /^Invalid JSON payload: tools\.0\.kwargs: /,
    },
    {
      name: "a2a_producer is a string",
      payload: valid({ a2a_producer: "true" }),
      error: /^Invalid JSON payload: a2a_producer: /,
    },
    { name: "agent_id missing", payload: JSON.stringify({ name: "x", tools: [] }), error: "agent_id is required" },
    { name: "agent_id empty", payload: valid({ agent_id: "" }), error: "agent_id is required" },
    { name: "agent_id null", payload: valid({ agent_id: null }), error: "agent_id is required" },
    // An update of a registered agent with broken types is refused before anything is touched.
    {
      name: "update of the provider with tools as a string",
      payload: JSON.stringify({ ...baselineBodies().provider, tools: "none" }),
      error: /^Invalid JSON payload: tools: /,
    },
    {
      name: "update of the consumer with a nested-array dependency",
      payload: JSON.stringify(agent(CONSUMER, [tool("greet", "greeting", { dependencies: [["date_service"]] })])),
      error: /^Invalid JSON payload: tools\.0\.dependencies\.0: /,
    },
  ];

  for (const c of badRequests) {
    it(`400 for ${c.name}`, async () => {
      const r = await postRaw(reg, c.payload, c.contentType ?? "application/json");
      expectEnvelope(r, 400, c.error);
      await expectIntact(reg, snap, 2);
    });
  }

  const validationErrors: Array<{ name: string; body: Record<string, unknown>; message: string }> = [
    {
      name: "uppercase/underscore agent_id",
      body: agent("Bad_Agent", []),
      message: "validation failed: agent_id: agent_id must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "agent_id ending with a hyphen",
      body: agent("trailing-", []),
      message: "validation failed: agent_id: agent_id must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "agent_id longer than 253 characters",
      body: { ...agent("x", []), agent_id: "a".repeat(254) },
      message: "validation failed: agent_id: agent_id must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "agent_id with a path traversal",
      body: { ...agent("x", []), agent_id: "../../etc/passwd" },
      message: "validation failed: agent_id: agent_id must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "invalid name",
      body: agent("good-id", [], { name: "Good Name" }),
      message: "validation failed: name: name must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "name longer than 63 characters",
      body: agent("good-id", [], { name: "n".repeat(64) }),
      message: "validation failed: name: name must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "invalid namespace",
      body: agent("good-id", [], { namespace: "Prod" }),
      message:
        "validation failed: namespace: namespace must contain only lowercase alphanumeric characters and hyphens",
    },
    {
      name: "unknown runtime",
      body: agent("good-id", [], { runtime: "rust" }),
      message:
        'failed to register agent: failed to create agent: ent: validator failed for field "Agent.runtime": runtime value is not valid: "rust"',
    },
    {
      name: "unknown agent_type",
      body: agent("good-id", [], { agent_type: "robot" }),
      message:
        'failed to register agent: failed to create agent: ent: validator failed for field "Agent.agent_type": agent_type value is not valid: "robot"',
    },
  ];

  for (const c of validationErrors) {
    it(`200 status:"error" for ${c.name}, and nothing is registered`, async () => {
      const r = await postRaw(reg, JSON.stringify(c.body));
      expectRegistrationError(r, c.body.agent_id as string, c.message);
      expect((await reg.get(`/agents/${encodeURIComponent(c.body.agent_id as string)}`)).status).toBe(404);
      await expectIntact(reg, snap, 2);
    });
  }

  it('an update with an unknown runtime is refused with status:"error" and leaves the agent as it was', async () => {
    const { provider } = baselineBodies();
    const r = await postRaw(reg, JSON.stringify({ ...provider, runtime: "cobol", tools: [] }));
    expectRegistrationError(
      r,
      PROVIDER,
      'failed to register agent: failed to create agent: ent: validator failed for field "Agent.runtime": runtime value is not valid: "cobol"',
    );
    await expectIntact(reg, snap, 2);
  });

  it(`refuses ${10_000} tools with a 400 that names the limit`, async () => {
    const tools = Array.from({ length: 10_000 }, (_, i) => tool(`fn_${i}`, `cap_${i}`));
    const r = await postRaw(reg, JSON.stringify(agent("many-tools", tools)));
    expectEnvelope(r, 400, `Invalid JSON payload: tools has 10000 entries (limit ${LIMITS.maxTools})`);
    expect(JSON.parse(r.text).error).toContain(String(LIMITS.maxTools));
    expect((await reg.get("/agents?capabilities=cap_1")).json.count).toBe(0);
    await expectIntact(reg, snap, 2);
  });

  it("accepts exactly the tool limit", async () => {
    const tools = Array.from({ length: LIMITS.maxTools }, (_, i) => tool(`fn_${i}`, `lim_${i}`));
    const r = await reg.post(agent("at-the-limit", tools));
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("success");
    const listed = await reg.get("/agents?capabilities=lim_0");
    expect(listed.json.agents[0].capabilities).toHaveLength(LIMITS.maxTools);
    await reg.core.purge(["at-the-limit"]);
  });

  it("refuses a tool with too many dependencies with a 400 that names the limit", async () => {
    const dependencies = Array.from({ length: LIMITS.maxDependencies + 1 }, (_, i) => ({ capability: `dep_${i}` }));
    const r = await postRaw(reg, JSON.stringify(agent("many-deps", [tool("hungry", "hungry", { dependencies })])));
    expectEnvelope(
      r,
      400,
      `Invalid JSON payload: tool hungry has ${LIMITS.maxDependencies + 1} dependencies (limit ${LIMITS.maxDependencies})`,
    );
    await expectIntact(reg, snap, 2);
  });

  it("refuses an inputSchema nested 10,000 levels deep with a 400, without crashing", async () => {
    const payload = JSON.stringify(agent("deep-agent", [])).replace(
      '"tools":[]',
      `"tools":[{"function_name":"f","capability":"deep","inputSchema":${deepObject(10_000)}}]`,
    );
    const r = await postRaw(reg, payload);
    expectEnvelope(r, 400, `Invalid JSON payload: nesting deeper than ${LIMITS.maxDepth} levels`);
    await expectIntact(reg, snap, 2);
  });

  it("refuses kwargs nested a million arrays deep with a 400", async () => {
    const deep = `${"[".repeat(1_000_000)}1${"]".repeat(1_000_000)}`;
    const payload = JSON.stringify(agent("deeper-agent", [])).replace(
      '"tools":[]',
      `"tools":[{"function_name":"f","capability":"deep","kwargs":{"x":${deep}}}]`,
    );
    const r = await postRaw(reg, payload);
    expectEnvelope(r, 400, `Invalid JSON payload: nesting deeper than ${LIMITS.maxDepth} levels`);
    await expectIntact(reg, snap, 2);
  });

  it("accepts a realistically nested schema and serves it back to LLM consumers unchanged", async () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 20; i++) schema = { type: "object", properties: { [`level${i}`]: schema } };
    const p = await reg.post(
      agent("nested-provider", [tool("nested_tool", "nested", { inputSchema: schema, tags: ["nested"] })]),
    );
    expect(p.json.status).toBe("success");
    const c = await reg.post(
      agent("nested-llm", [tool("ask", "ask", { llm_filter: { filter: [{ capability: "nested" }] } })]),
    );
    expect(c.json.llm_tools.ask).toHaveLength(1);
    expect(c.json.llm_tools.ask[0].inputSchema).toEqual(schema);
    await reg.core.purge(["nested-provider", "nested-llm"]);
  });

  describe("prototype-pollution keys", () => {
    const hostileProvider = `{"agent_id":"proto-provider","http_host":"127.0.0.1","http_port":9555,"runtime":"typescript",
      "__proto__":{"polluted":"top"},
      "tools":[{"function_name":"make","capability":"proto_cap","tags":["constructor","__proto__"],
        "kwargs":{"__proto__":{"polluted":"kwargs","task":true,"vendor":"evil"},"constructor":{"prototype":{"polluted":"ctor"}},"timeout":5},
        "inputSchema":{"__proto__":{"polluted":"schema"},"type":"object",
          "properties":{"__proto__":{"type":"string"},"constructor":{"type":"number"},"hasOwnProperty":{"type":"boolean"}}}}]}`;

    it("are stored and returned harmlessly, without polluting Object.prototype", async () => {
      const p = await postRaw(reg, hostileProvider);
      expect(p.status).toBe(200);
      expect(JSON.parse(p.text).status).toBe("success");

      const c = await reg.post(
        agent("proto-consumer", [
          tool("use", "proto_user", {
            dependencies: [{ capability: "proto_cap", tags: ["constructor", "__proto__"] }],
          }),
          tool("think", "proto_llm", {
            llm_filter: { filter: [{ capability: "proto_cap" }] },
            llm_provider: { capability: "proto_cap" },
          }),
        ]),
      );
      expect(c.json.status).toBe("success");
      const dep = c.json.dependencies_resolved.use[0];
      expect(dep).toMatchObject({ agent_id: "proto-provider", function_name: "make", status: "available" });
      // Ordinary keys come back as sent; the `__proto__` key of a record is dropped, never merged.
      expect(dep.kwargs).toEqual({ constructor: { prototype: { polluted: "ctor" } }, timeout: 5 });
      const schema = c.json.llm_tools.think[0].inputSchema;
      expect(schema.type).toBe("object");
      expect(Object.keys(schema.properties).sort()).toEqual(["__proto__", "constructor", "hasOwnProperty"]);
      expect(Object.getOwnPropertyDescriptor(schema.properties, "__proto__")?.value).toEqual({ type: "string" });
      // A `__proto__` smuggled into kwargs must not turn into kwargs.vendor / kwargs.task.
      expect(c.json.llm_providers.think).toMatchObject({ agent_id: "proto-provider", vendor: "unknown" });
      const listed = await reg.get("/agents?capabilities=proto_cap");
      expect(listed.json.agents[0].capabilities[0]).not.toHaveProperty("task");
      expect(listed.json.agents[0].capabilities[0].tags).toEqual(["constructor", "__proto__"]);

      const probe: Record<string, unknown> = {};
      expect(probe.polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
      expect(Object.prototype).not.toHaveProperty("task");
      expect(Object.prototype).not.toHaveProperty("vendor");
      expect(Function.prototype).not.toHaveProperty("polluted");
      await expectIntact(reg, snap, 4);
      await reg.core.purge(["proto-consumer", "proto-provider"]);
    });

    it("tool names that are Object.prototype keys keep their own resolutions", async () => {
      const p = await reg.post(
        agent("proto-names-provider", [tool("constructor", "proto_named"), tool("toString", "proto_named2")]),
      );
      expect(p.json.status).toBe("success");
      const c = await reg.post(
        agent("proto-names", [
          tool("__proto__", "pn1", { dependencies: [{ capability: "proto_named" }] }),
          tool("constructor", "pn2", { dependencies: [{ capability: "proto_named2" }] }),
          tool("hasOwnProperty", "pn3", { llm_filter: { filter: [{ capability: "proto_named" }] } }),
        ]),
      );
      expect(c.json.status).toBe("success");
      expect(Object.keys(c.json.dependencies_resolved).sort()).toEqual(["__proto__", "constructor"]);
      expect(Object.getOwnPropertyDescriptor(c.json.dependencies_resolved, "__proto__")?.value).toEqual([
        expect.objectContaining({
          agent_id: "proto-names-provider",
          function_name: "constructor",
          status: "available",
        }),
      ]);
      expect(c.json.dependencies_resolved.constructor).toEqual([
        expect.objectContaining({ agent_id: "proto-names-provider", function_name: "toString", status: "available" }),
      ]);
      expect(c.json.llm_tools.hasOwnProperty).toEqual([
        expect.objectContaining({ name: "constructor", capability: "proto_named" }),
      ]);
      const listed = (await reg.get("/agents?capabilities=pn1")).json.agents[0];
      expect(listed.total_dependencies).toBe(2);
      expect(listed.dependencies_resolved).toBe(2);
      expect(listed.dependency_resolutions.map((d: any) => [d.function_name, d.status])).toEqual([
        ["__proto__", "available"],
        ["constructor", "available"],
      ]);
      await expectIntact(reg, snap, 4);
      await reg.core.purge(["proto-names", "proto-names-provider"]);
    });

    it("tools named like Object.prototype keys with nothing resolved do not break GET /agents", async () => {
      const r = await reg.post(
        agent("proto-unresolved", [
          tool("__proto__", "pu1", { llm_filter: { filter_mode: "all" } }),
          tool("constructor", "pu2", { llm_filter: {}, llm_provider: { capability: "no-such-llm" } }),
          tool("toString", "pu3", { llm_provider: { capability: "no-such-llm" } }),
        ]),
      );
      expect(r.json.status).toBe("success");
      expect(r.json.llm_tools).toEqual({});
      expect(r.json).not.toHaveProperty("llm_providers");
      const listed = await reg.get("/agents");
      expect(listed.status).toBe(200);
      const row = listed.json.agents.find((a: any) => a.id === "proto-unresolved");
      expect(row.llm_tool_resolutions).toBeNull();
      expect(row.llm_provider_resolutions).toEqual([
        { function_name: "constructor", required_capability: "no-such-llm", status: "unresolved" },
        { function_name: "toString", required_capability: "no-such-llm", status: "unresolved" },
      ]);
      await expectIntact(reg, snap, 3);
      await reg.core.purge(["proto-unresolved"]);
    });
  });
});

describe("request body limit", () => {
  let reg: TestRegistry;
  let snap: Snapshot;

  beforeAll(async () => {
    reg = await startRegistry({ config: { bodyLimitBytes: 10_000 } });
    snap = await seedBaseline(reg);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  it("answers 413 with the envelope and names the limit", async () => {
    const body = JSON.stringify(agent("big-agent", [tool("f", "big", { description: "x".repeat(20_000) })]));
    const r = await postRaw(reg, body);
    expectEnvelope(r, 413, "request body larger than 10000 bytes (MCP_MESH_BODY_LIMIT)");
    expect((await reg.get("/agents?capabilities=big")).json.count).toBe(0);
    await expectIntact(reg, snap, 2);
  });

  it("answers 413 for an oversized update of a registered agent and keeps the stored agent", async () => {
    const { provider } = baselineBodies();
    const r = await postRaw(reg, JSON.stringify({ ...provider, description: "y".repeat(50_000), tools: [] }));
    expectEnvelope(r, 413, /10000 bytes/);
    await expectIntact(reg, snap, 2);
  });

  it("answers 413 for an oversized body of garbage (not parsed at all)", async () => {
    const r = await postRaw(reg, "\u0000garbage".repeat(5_000), "application/octet-stream");
    expectEnvelope(r, 413, /10000 bytes/);
    await expectIntact(reg, snap, 2);
  });

  it("accepts a body just under the limit", async () => {
    const body = JSON.stringify(agent("small-agent", [tool("f", "small")], { description: "d".repeat(9_000) }));
    expect(Buffer.byteLength(body)).toBeLessThan(10_000);
    const r = await reg.post(JSON.parse(body));
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("success");
    expect(r.json.warnings).toEqual(["description truncated from 9000 to 256 chars"]);
    await expectIntact(reg, snap, 3);
  });
});

describe("odd ids and query strings on the read and fast-heartbeat routes", () => {
  let reg: TestRegistry;
  let snap: Snapshot;

  beforeAll(async () => {
    reg = await startRegistry();
    snap = await seedBaseline(reg);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  const goneIds = [
    ["a 253-character id never registered", "a".repeat(253)],
    ["a 1000-character id", "z".repeat(1000)],
    ["URL-encoded spaces, ? and #", "a%20b%3Fc%23d"],
    ["an encoded slash", "..%2F..%2Fetc%2Fpasswd"],
    ["an encoded NUL", "agent%00id"],
    ["encoded unicode", "%E2%9C%93-%F0%9F%98%80"],
    ["markup", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"],
    ["the registered id in upper case", PROVIDER.toUpperCase()],
    ["the registered id with a trailing encoded space", `${PROVIDER}%20`],
  ] as const;

  for (const [name, id] of goneIds) {
    it(`HEAD /heartbeat/{${name}} → 410 Gone`, async () => {
      const r = await send(reg, "HEAD", `/heartbeat/${id}`);
      expect(r.status).toBe(410);
      expect(r.text).toBe("");
      await expectIntact(reg, snap, 2);
    });
  }

  it("HEAD /heartbeat with a malformed percent-escape → 400, no body, registry unharmed", async () => {
    // Over real HTTP, as a client receives it: inject() (light-my-request 6.6) hands back the
    // error body that a HEAD response on the wire never carries.
    const base = await reg.app.listen({ host: "127.0.0.1", port: 0 });
    for (const id of ["%zz", "%E0%A4%A", "abc%"]) {
      const r = await fetch(`${base}/heartbeat/${id}`, { method: "HEAD" });
      expect(r.status, id).toBe(400);
      expect(await r.text()).toBe("");
    }
    await expectIntact(reg, snap, 2);
  });

  it("HEAD /heartbeat with an id longer than the router accepts → 414, not a 5xx", async () => {
    const r = await send(reg, "HEAD", `/heartbeat/${"q".repeat(5000)}`);
    expect(r.status).toBe(414);
    await expectIntact(reg, snap, 2);
  });

  it("DELETE /agents/{junk} → 204 and touches nobody", async () => {
    for (const id of ["nobody", "..%2F..", "x".repeat(1000), "%E2%9C%93", `${PROVIDER}-not`]) {
      expect(await reg.del(id), id).toBe(204);
    }
    await expectIntact(reg, snap, 2);
  });

  it("GET /events with a bad or out-of-range limit clamps it (default 50, 1..500)", async () => {
    const all = await reg.get("/events?limit=500");
    expect(all.status).toBe(200);
    const total = all.json.count as number;
    expect(total).toBeGreaterThanOrEqual(3); // two registers and a dependency_resolved
    for (const [limit, expected] of [
      ["abc", Math.min(total, 50)],
      ["", Math.min(total, 50)],
      ["0", 1],
      ["-5", 1],
      ["2", Math.min(total, 2)],
      ["2.9", Math.min(total, 2)],
      ["99999999999999999999", total],
      ["%00", Math.min(total, 50)],
    ] as const) {
      const r = await reg.get(`/events?limit=${limit}`);
      expect(r.status, `limit=${limit}`).toBe(200);
      expect(r.json.count, `limit=${limit}`).toBe(expected);
      expect(r.json.events).toHaveLength(expected);
    }
  });

  it("GET /events with an unknown type → 200 and an empty list; a known type filters", async () => {
    const bogus = await reg.get("/events?type=bogus");
    expect(bogus.status).toBe(200);
    expect(bogus.json).toEqual({ count: 0, events: [] });
    const registers = await reg.get("/events?type=register");
    expect(registers.json.count).toBe(2);
    expect(new Set(registers.json.events.map((e: any) => e.agent_id))).toEqual(new Set([PROVIDER, CONSUMER]));
    const nobody = await reg.get("/events?agent_id=%E2%9C%93&type=register");
    expect(nobody.json).toEqual({ count: 0, events: [] });
  });

  it("GET /agents with unknown filter values → count 0 and agents null", async () => {
    for (const q of ["status=bogus", "type=robot", "namespace=nowhere", "capabilities=nothing", "status=%00"]) {
      const r = await reg.get(`/agents?${q}`);
      expect(r.status, q).toBe(200);
      expect(r.json.count, q).toBe(0);
      expect(r.json.agents, q).toBeNull();
    }
    const healthy = await reg.get("/agents?status=healthy");
    expect(healthy.json.count).toBe(2);
    await expectIntact(reg, snap, 2);
  });
});
