import { describe, expect, it } from "vitest";
import type { AgentInfo } from "./agent-info.js";
import { findAgent, findTool } from "./agent-match.js";
import { ErrorCodes } from "./errors.js";

function agent(id: string, tools: Array<[string, string]>, extra: Partial<AgentInfo> = {}): AgentInfo {
  return {
    id,
    name: id.replace(/-[0-9a-f]{8}$/, ""),
    status: "healthy",
    endpoint: "http://127.0.0.1:9000",
    capabilities: tools.map(([function_name, name]) => ({ function_name, name })),
    ...extra,
  };
}

const mesh = [
  agent("date-agent-11111111", [["get_date", "date_service"]]),
  agent("greeter-22222222", [["hello", "greeting"]]),
  agent("welcome-33333333", [["hello", "welcome"]]),
  agent("old-44444444", [["get_weather", "weather"]], { status: "unhealthy" }),
];

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return [(e as { code: string }).code, (e as Error).message];
  }
  return undefined;
};

describe("findTool", () => {
  it("finds a tool by MCP tool name, else by capability", () => {
    expect(findTool(mesh, "get_date").agent.id).toBe("date-agent-11111111");
    expect(findTool(mesh, "date_service").tool.function_name).toBe("get_date");
  });

  it("refuses a tool two different agents offer, and names the way out", () => {
    const [c, message] = code(() => findTool(mesh, "hello")) ?? [];
    expect(c).toBe(ErrorCodes.AMBIGUOUS);
    expect(message).toMatch(/call one as 'greeter-22222222:hello'/);
    expect(findTool(mesh, "welcome:hello").agent.id).toBe("welcome-33333333");
    expect(findTool(mesh, "greeter-2:hello").agent.id).toBe("greeter-22222222");
  });

  it("picks the most recently seen replica of one agent", () => {
    const replicas = [
      agent("date-agent-aaaaaaaa", [["get_date", "date_service"]], { last_seen: "2026-01-01T00:00:01Z" }),
      agent("date-agent-bbbbbbbb", [["get_date", "date_service"]], { last_seen: "2026-01-01T00:00:05Z" }),
    ];
    expect(findTool(replicas, "get_date").agent.id).toBe("date-agent-bbbbbbbb");
  });

  it("says what is wrong when nothing matches", () => {
    expect(code(() => findTool(mesh, "get_dat"))).toEqual([
      ErrorCodes.NOT_FOUND,
      "no healthy agent offers a tool 'get_dat' (did you mean 'get_date'?) (see 'meshctl list --tools')",
    ]);
    expect(code(() => findTool(mesh, "old:get_weather"))?.[1]).toMatch(/registered but not healthy/);
    expect(code(() => findTool(mesh, "hidden"))?.[0]).toBe(ErrorCodes.NOT_FOUND);
  });

  it("hides the runtimes' own __mesh_ tools", () => {
    const withFramework = [agent("a-1", [["__mesh_job_status", "__mesh_job_status"]])];
    expect(code(() => findTool(withFramework, "__mesh_job_status"))?.[0]).toBe(ErrorCodes.NOT_FOUND);
  });
});

describe("findAgent", () => {
  it("takes a full id, an id prefix or a name", () => {
    expect(findAgent(mesh, "greeter").id).toBe("greeter-22222222");
    expect(findAgent(mesh, "date-agent-1").id).toBe("date-agent-11111111");
    expect(code(() => findAgent(mesh, "greter"))?.[1]).toMatch(/did you mean 'greeter'/);
  });
});
