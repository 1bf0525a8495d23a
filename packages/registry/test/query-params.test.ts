// Repeated query parameters on every read route: a filter takes all of its values (OR), a
// single-valued parameter refuses a repeat with a 400 naming it; never a 5xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const A = "alpha-1a2b3c4d";
const B = "beta-5e6f7a8b";
const C = "gamma-9c0d1e2f";

describe("repeated query parameters", () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    reg = await startRegistry();
    await reg.post(agent(A, [tool("fn_a", "cap_a")], { namespace: "one" }));
    await reg.post(
      agent(B, [tool("fn_b", "cap_b", { dependencies: [{ capability: "cap_a" }] })], { namespace: "two" }),
    );
    await reg.post(agent(C, [tool("fn_c", "cap_c")], { namespace: "three", agent_type: "api" }));
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  const ids = (r: { json: any }, key = "agent_id") =>
    new Set((r.json.events ?? r.json.agents ?? []).map((e: any) => e[key]));

  it("GET /events?agent_id=a&agent_id=b lists the events of both agents, and only theirs", async () => {
    const r = await reg.get(`/events?agent_id=${A}&agent_id=${B}&limit=500`);
    expect(r.status).toBe(200);
    expect(ids(r)).toEqual(new Set([A, B]));
    expect(r.json.count).toBe(r.json.events.length);
  });

  it("GET /events with a repeated function_name or type matches any of them", async () => {
    const fns = await reg.get("/events?function_name=fn_b&function_name=nothing");
    expect(fns.status).toBe(200);
    expect(fns.json.count).toBeGreaterThan(0);
    expect(new Set(fns.json.events.map((e: any) => e.function_name))).toEqual(new Set(["fn_b"]));
    const types = await reg.get("/events?type=register&type=dependency_resolved&type=bogus");
    expect(types.status).toBe(200);
    expect(new Set(types.json.events.map((e: any) => e.event_type))).toEqual(
      new Set(["register", "dependency_resolved"]),
    );
    const mixed = await reg.get(`/events?type=register&agent_id=${A}&agent_id=${C}`);
    expect(ids(mixed)).toEqual(new Set([A])); // api agents have no register event
  });

  it("GET /agents with repeated status, namespace or type filters lists agents matching any value", async () => {
    const ns = await reg.get("/agents?namespace=one&namespace=two");
    expect(ns.status).toBe(200);
    expect(ids(ns, "id")).toEqual(new Set([A, B]));
    expect(ns.json.count).toBe(2);
    const types = await reg.get("/agents?type=api&type=mcp_agent&status=healthy&status=unhealthy");
    expect(ids(types, "id")).toEqual(new Set([A, B, C]));
  });

  for (const url of ["/events?limit=1&limit=2", "/schemas?limit=1&limit=5", "/agents?fuzzy=true&fuzzy=false"]) {
    it(`${url} → 400 naming the parameter`, async () => {
      const r = await reg.get(url);
      expect(r.status).toBe(400);
      const name = url.slice(url.indexOf("?") + 1, url.indexOf("="));
      expect(r.json.error).toBe(`query parameter '${name}' takes one value, got 2`);
      expect(r.json.timestamp).toEqual(expect.any(String));
    });
  }

  it("a filter given more times than the limit → 400 naming it", async () => {
    const many = Array.from({ length: 65 }, (_, i) => `agent_id=x${i}`).join("&");
    const r = await reg.get(`/events?${many}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("query parameter 'agent_id' is given 65 times (limit 64)");
  });

  it("no read route answers 5xx to any parameter given twice", async () => {
    const routes: Record<string, string[]> = {
      "/events": ["type", "agent_id", "function_name", "limit"],
      "/agents": ["status", "namespace", "type", "capabilities", "fuzzy", "limit", "after"],
      "/schemas": ["limit"],
      [`/agents/${A}`]: ["x"],
      "/health": ["x"],
      "/a2a/agents": ["x"],
    };
    for (const [route, params] of Object.entries(routes)) {
      for (const p of params) {
        const r = await reg.get(`${route}?${p}=a${A}&${p}=b`);
        expect(r.status, `${route} ${p}`).toBeLessThan(500);
        expect(typeof r.json, `${route} ${p}`).toBe("object");
      }
    }
  });
});
