// The heartbeat contract as agents experience it: registration, HEAD 200/202/410, unregister,
// health transitions, and our 202-only-where-it-matters rule.
import { afterEach, describe, expect, it } from "vitest";
import { healthScan } from "../src/index.js";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

let reg: TestRegistry;
afterEach(async () => {
  await reg.close();
  cleanup(reg.dir);
});

const provider = (id: string, extra: Record<string, unknown> = {}) =>
  agent(id, [
    tool("get_date", "date_service", { tags: ["system", "time"], version: "1.2.0", kwargs: { timeout: 30 }, ...extra }),
  ]);
const consumer = (id: string, deps: unknown[]) => agent(id, [tool("greet", "greeting", { dependencies: deps })]);

describe("full heartbeat (POST /heartbeat)", () => {
  it("registers, then updates, and answers the reference's messages", async () => {
    reg = await startRegistry();
    const first = await reg.post(provider("date-a"));
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      agent_id: "date-a",
      status: "success",
      message: "Agent registered via heartbeat",
      dependencies_resolved: {},
      llm_tools: {},
    });
    expect(first.json.llm_providers).toBeUndefined();
    const again = await reg.post(provider("date-a"));
    expect(again.json.message).toBe("Agent updated via heartbeat");
  });

  it("resolves a web app's routes: tools without a capability, listed as no capability", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    const web = { ...agent("web-app", [tool("GET:/now", "", { dependencies: [{ capability: "date_service" }] })]) };
    const r = await reg.post({ ...web, agent_type: "api" });
    expect(r.json.dependencies_resolved["GET:/now"]).toMatchObject([
      { agent_id: "date-a", capability: "date_service", status: "available" },
    ]);
    const listed = (await reg.get("/agents")).json as {
      agents: { id: string; agent_type: string; capabilities: unknown; total_dependencies: number }[];
    };
    expect(listed.agents.find((a) => a.id === "web-app")).toMatchObject({
      agent_type: "api",
      capabilities: null,
      total_dependencies: 1,
    });
    // Nothing can depend on the route: it offers no capability.
    const c = await reg.post(consumer("greeter", [{ capability: "" }]));
    expect(c.json.dependencies_resolved.greet[0].status).toBe("unresolved");
  });

  it("resolves dependencies positionally with placeholders for unresolved ones", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    const r = await reg.post(
      consumer("greeter", [
        { capability: "date_service", tags: ["system", "+time", "-deprecated"], version: ">=1.0.0" },
        { capability: "weather_service" },
        { capability: "date_service", tags: [["python", "typescript"]] },
      ]),
    );
    expect(r.json.dependencies_resolved.greet).toEqual([
      {
        agent_id: "date-a",
        capability: "date_service",
        endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
        function_name: "get_date",
        kwargs: { timeout: 30 },
        status: "available",
      },
      { agent_id: "", capability: "weather_service", endpoint: "", function_name: "", status: "unresolved" },
      { agent_id: "", capability: "date_service", endpoint: "", function_name: "", status: "unresolved" },
    ]);
    const list = await reg.get("/agents");
    const g = list.json.agents.find((a: any) => a.id === "greeter");
    expect(g).toMatchObject({ total_dependencies: 3, dependencies_resolved: 1, status: "healthy" });
  });

  it("truncates a long description with a warning, like the reference", async () => {
    reg = await startRegistry();
    const r = await reg.post({ ...provider("date-a"), description: "x".repeat(300) });
    expect(r.json.warnings).toEqual(["description truncated from 300 to 256 chars"]);
  });

  it("rejects a required-dependency cycle with status error", async () => {
    reg = await startRegistry();
    const a = await reg.post(
      agent("svc-a", [tool("a", "cap-a", { dependencies: [{ capability: "cap-b", required: true }] })]),
    );
    expect(a.json.status).toBe("success");
    const b = await reg.post(
      agent("svc-b", [tool("b", "cap-b", { dependencies: [{ capability: "cap-a", required: true }] })]),
    );
    expect(b.status).toBe(200);
    expect(b.json).toMatchObject({ status: "error", message: "required dependency cycle: cap-b → cap-a → cap-b" });
    expect((await reg.get("/agents")).json.count).toBe(1);
  });

  it("makes a capability unavailable while its required dependency is unresolved", async () => {
    reg = await startRegistry();
    await reg.post(
      agent("weather", [tool("forecast", "forecast", { dependencies: [{ capability: "geo", required: true }] })]),
    );
    const c = await reg.post(consumer("planner", [{ capability: "forecast" }]));
    expect(c.json.dependencies_resolved.greet[0].status).toBe("unresolved");
    const w = (await reg.get("/agents")).json.agents.find((a: any) => a.id === "weather");
    expect(w.capabilities[0]).toMatchObject({ available: false, unavailable_reason: "required dep 'geo' unresolved" });
    // The geo provider arrives: weather becomes available, and the planner is re-wired.
    await reg.post(agent("geo", [tool("locate", "geo")]));
    expect(await reg.head("planner")).toBe(202);
    const again = await reg.post(consumer("planner", [{ capability: "forecast" }]));
    expect(again.json.dependencies_resolved.greet[0]).toMatchObject({ status: "available", agent_id: "weather" });
  });
});

describe("fast heartbeat (HEAD /heartbeat/{id})", () => {
  it("answers 410 for unknown agents and 200 when nothing changed", async () => {
    reg = await startRegistry();
    expect(await reg.head("never-registered")).toBe(410);
    await reg.post(provider("date-a"));
    expect(await reg.head("date-a")).toBe(200);
  });

  it("answers 202 only to agents whose own resolution changed, until they POST", async () => {
    reg = await startRegistry();
    await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    await reg.post(agent("bystander", [tool("noop", "noop")]));
    await reg.post(provider("date-a"));
    // The reference answers 202 to every agent here; we tell only the one that is affected.
    expect(await reg.head("greeter")).toBe(202);
    expect(await reg.head("greeter")).toBe(202);
    expect(await reg.head("bystander")).toBe(200);
    expect(await reg.head("date-a")).toBe(200);
    const r = await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    expect(r.json.dependencies_resolved.greet[0].agent_id).toBe("date-a");
    expect(await reg.head("greeter")).toBe(200);
  });

  it("does not 202 a consumer when a provider that cannot win registers", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    await reg.post(consumer("greeter", [{ capability: "date_service", tags: ["time"] }]));
    await reg.post(agent("date-old", [tool("get_date", "date_service", { tags: ["legacy"] })]));
    expect(await reg.head("greeter")).toBe(200);
  });
});

describe("leaving the mesh", () => {
  it("DELETE marks the agent unhealthy, its HEAD gets 410, its consumers get 202 and fail over", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    await reg.post(provider("date-b"));
    await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    expect(await reg.del("date-a")).toBe(204);
    expect(await reg.del("no-such-agent")).toBe(204);
    expect(await reg.head("date-a")).toBe(410);
    expect(await reg.head("greeter")).toBe(202);
    const r = await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    expect(r.json.dependencies_resolved.greet[0].agent_id).toBe("date-b");
    const events = (await reg.get("/events?type=unregister")).json.events;
    expect(events[0]).toMatchObject({
      event_type: "unregister",
      agent_id: "date-a",
      data: { reason: "graceful_shutdown", source: "delete_endpoint" },
    });
  });

  it("marks silent agents unhealthy after the timeout and lets them come back with a POST", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    reg.clock.now += 15_000;
    expect(await reg.head("greeter")).toBe(200);
    reg.clock.now += 10_000;
    expect(await healthScan(reg.core, reg.clock.now, 20_000)).toBe(1);
    expect(await reg.head("date-a")).toBe(410);
    expect(await reg.head("greeter")).toBe(202);
    const listed = (await reg.get("/agents?status=unhealthy")).json.agents;
    expect(listed.map((a: any) => a.id)).toEqual(["date-a"]);
    const back = await reg.post(provider("date-a"));
    expect(back.json.status).toBe("success");
    const recovery = (await reg.get("/events?type=register&agent_id=date-a")).json.events[0];
    expect(recovery.data).toMatchObject({ reason: "recovery", old_status: "unhealthy", new_status: "healthy" });
  });
});

describe("alternatives (our extension)", () => {
  it("lists other passing providers, best first, and flags equal replicas", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-b"));
    await reg.post(provider("date-a"));
    await reg.post(agent("date-old", [tool("get_date", "date_service", { tags: ["system"], version: "1.0.0" })]));
    const r = await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    const dep = r.json.dependencies_resolved.greet[0];
    // The primary is the reference's choice: highest version, then agent id.
    expect(dep.agent_id).toBe("date-a");
    expect(dep.alternatives.map((a: any) => [a.agent_id, a.equal])).toEqual([
      ["date-b", true],
      ["date-old", false],
    ]);
  });

  it("does not 202 reference clients when only the alternatives changed", async () => {
    reg = await startRegistry();
    await reg.post(provider("date-a"));
    await reg.post(consumer("greeter", [{ capability: "date_service" }]));
    await reg.post(provider("date-b"));
    expect(await reg.head("greeter")).toBe(200);
    const view = (await reg.get("/agents/greeter")).json;
    expect(view.resolution.dependencies_resolved.greet[0].alternatives[0].agent_id).toBe("date-b");
  });
});

describe("GET /agents", () => {
  it("returns null agents when empty and supports the reference's filters", async () => {
    reg = await startRegistry();
    expect((await reg.get("/agents")).json).toMatchObject({ agents: null, count: 0 });
    await reg.post(provider("date-a"));
    await reg.post(agent("other", [tool("x", "weather_service")], { namespace: "prod" }));
    expect((await reg.get("/agents?capabilities=date_service")).json.count).toBe(1);
    expect((await reg.get("/agents?capabilities=DATE&fuzzy=true")).json.count).toBe(1);
    expect((await reg.get("/agents?namespace=prod")).json.agents[0].id).toBe("other");
    expect((await reg.get("/agents?status=bogus")).json.count).toBe(0);
    const a = (await reg.get("/agents/date-a")).json;
    expect(a).toMatchObject({
      id: "date-a",
      status: "healthy",
      capabilities: [{ name: "date_service", function_name: "get_date", available: true }],
    });
    expect((await reg.get("/agents/nope")).status).toBe(404);
  });
});
