// Every stored string and JSON value has a length limit, checked on every registration (the
// first one and each update), with a 400 naming the field and the limit; the stored agent
// stays as it was.
import { FIELD_LIMITS as L } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const ID = "limits-1a2b3c4d";
const s = (n: number) => "x".repeat(n);
/** A JSON object whose JSON text is exactly `n` characters. */
const jsonOf = (n: number) => ({ k: s(n - '{"k":""}'.length) });

function base(): Record<string, any> {
  return agent(ID, [
    tool("fn_a", "cap_a", {
      tags: ["t"],
      description: "d",
      dependencies: [{ capability: "cap_b", tags: ["x"], version: ">=1.0" }],
      llm_provider: { capability: "llm", tags: ["claude"] },
      schemaWarnings: ["w"],
      kwargs: { timeout: 30 },
    }),
  ]);
}

type Case = [field: string, limit: number, what: "characters" | "entries" | "json", set: (b: any, v: any) => void];
const CASES: Case[] = [
  ["version", L.version, "characters", (b, v) => (b.version = v)],
  ["http_host", L.host, "characters", (b, v) => (b.http_host = v)],
  ["tools.0.function_name", L.functionName, "characters", (b, v) => (b.tools[0].function_name = v)],
  ["tools.0.capability", L.capability, "characters", (b, v) => (b.tools[0].capability = v)],
  ["tools.0.version", L.version, "characters", (b, v) => (b.tools[0].version = v)],
  ["tools.0.description", L.toolDescription, "characters", (b, v) => (b.tools[0].description = v)],
  ["tools.0.tags.0", L.tag, "characters", (b, v) => (b.tools[0].tags = [v])],
  ["tools.0.tags", L.tags, "entries", (b, n) => (b.tools[0].tags = Array.from({ length: n }, (_, i) => `t${i}`))],
  [
    "tools.0.dependencies.0.capability",
    L.capability,
    "characters",
    (b, v) => (b.tools[0].dependencies[0].capability = v),
  ],
  ["tools.0.dependencies.0.version", L.version, "characters", (b, v) => (b.tools[0].dependencies[0].version = v)],
  ["tools.0.dependencies.0.tags.0", L.tag, "characters", (b, v) => (b.tools[0].dependencies[0].tags = [v])],
  ["tools.0.llm_provider.capability", L.capability, "characters", (b, v) => (b.tools[0].llm_provider.capability = v)],
  ["tools.0.schemaWarnings.0", L.schemaWarning, "characters", (b, v) => (b.tools[0].schemaWarnings = [v])],
  ["tools.0.inputSchemaHash", L.hash, "characters", (b, v) => (b.tools[0].inputSchemaHash = v)],
  ["tools.0.kwargs", L.smallJson, "json", (b, v) => (b.tools[0].kwargs = v)],
  ["tools.0.llm_filter", L.smallJson, "json", (b, v) => (b.tools[0].llm_filter = v)],
  ["tools.0.inputSchema", L.schemaJson, "json", (b, v) => (b.tools[0].inputSchema = v)],
  ["surfaces.0.path", L.path, "characters", (b, v) => (b.surfaces = [{ path: v, skill_id: "s" }])],
];

const value = (what: Case[2], n: number) => (what === "characters" ? s(n) : what === "json" ? jsonOf(n) : n);
const message = (field: string, limit: number, what: Case[2]) =>
  `Invalid JSON payload: ${field}: ${
    what === "characters"
      ? `longer than ${limit} characters`
      : what === "json"
        ? `JSON text longer than ${limit} characters`
        : `more than ${limit} entries`
  }`;

describe("stored field limits", () => {
  let reg: TestRegistry;
  let stored: string;

  beforeAll(async () => {
    reg = await startRegistry();
    expect((await reg.post(base())).json.status).toBe("success");
    stored = JSON.stringify((await reg.get(`/agents/${ID}`)).json.capabilities);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  for (const [field, limit, what, set] of CASES) {
    it(`${field}: accepted at ${limit}, refused at ${limit + 1} with a 400 naming it, on an update too`, async () => {
      const atLimit = base();
      set(atLimit, value(what, limit));
      const ok = await reg.post(atLimit);
      expect(ok.status, JSON.stringify(ok.json).slice(0, 200)).toBe(200);
      expect(ok.json.status).toBe("success");
      expect((await reg.post(base())).json.status).toBe("success");

      const over = base();
      set(over, value(what, limit + 1));
      const r = await reg.post(over); // ID is registered: this is an update
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: message(field, limit, what), timestamp: expect.any(String) });
      expect(JSON.stringify((await reg.get(`/agents/${ID}`)).json.capabilities)).toBe(stored);

      const fresh = { ...over, agent_id: "never-registered" };
      expect((await reg.post(fresh)).status).toBe(400);
      expect((await reg.get("/agents/never-registered")).status).toBe(404);
    });
  }

  it("an update cannot set a name the first registration would refuse", async () => {
    const r = await reg.post({ ...base(), name: "n".repeat(64) });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe("error");
    expect(r.json.message).toMatch(/^validation failed: name:/);
    expect((await reg.get(`/agents/${ID}`)).json.name).toBe("limits");
  });

  it("a 1 MB http_host is refused and never reaches GET /agents", async () => {
    const r = await reg.post({ ...base(), http_host: s(1_000_000) });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(message("http_host", L.host, "characters"));
    const list = await reg.app.inject({ method: "GET", url: "/agents" });
    expect(list.body.length).toBeLessThan(10_000);
  });
});
