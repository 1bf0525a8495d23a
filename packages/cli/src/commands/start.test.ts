import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startPlan } from "./start.js";

const dir = mkdtempSync(join(tmpdir(), "meshctl-plan-"));
writeFileSync(join(dir, "a.ts"), "");
writeFileSync(join(dir, "b.ts"), "");

describe("meshctl start: the plan from its flags", () => {
  it("has agents announce 127.0.0.1 when the registry is on this machine", () => {
    expect(startPlan(["a.ts"], {}, dir).options.agentEnv.MCP_MESH_HTTP_HOST).toBe("127.0.0.1");
    const local = startPlan(["a.ts", "--registry-url", "http://127.0.0.1:8100"], {}, dir);
    expect(local.options.agentEnv.MCP_MESH_HTTP_HOST).toBe("127.0.0.1");
  });

  it("leaves the host alone when the person set it, or the registry is elsewhere", () => {
    expect(startPlan(["a.ts"], { MCP_MESH_HTTP_HOST: "10.0.0.5" }, dir).options.agentEnv.MCP_MESH_HTTP_HOST).toBe(
      "10.0.0.5",
    );
    const viaFlag = startPlan(["a.ts", "--env", "MCP_MESH_HTTP_HOST=agent.local"], {}, dir);
    expect(viaFlag.options.agentEnv.MCP_MESH_HTTP_HOST).toBe("agent.local");
    const remote = startPlan(["a.ts", "--registry-url", "http://registry.internal:8000"], {}, dir);
    expect(remote.options.agentEnv.MCP_MESH_HTTP_HOST).toBeUndefined();
  });

  it("gives the agents every registry URL and starts (when none answers) the first", () => {
    const plan = startPlan(["a.ts", "--registry-url", "http://127.0.0.1:8100,http://127.0.0.1:8101"], {}, dir);
    expect(plan.options.agentEnv.MCP_MESH_REGISTRY_URL).toBe("http://127.0.0.1:8100,http://127.0.0.1:8101");
    expect(plan.options.registryUrl).toBe("http://127.0.0.1:8100");
    expect(plan.options.registryUrls).toEqual(["http://127.0.0.1:8100", "http://127.0.0.1:8101"]);
  });

  it("takes --call with --call-args as a JSON object", () => {
    const plan = startPlan(["a.ts", "b.ts", "--call", "greet", "--call-args", '{"who": "Ada"}'], {}, dir);
    expect(plan.call).toEqual({ spec: "greet", args: { who: "Ada" } });
    expect(startPlan(["a.ts", "--call", "greet"], {}, dir).call).toEqual({ spec: "greet", args: {} });
  });

  it("refuses --call where it cannot run, and --call-args that are not an object", () => {
    expect(() => startPlan(["--call", "greet"], {}, dir)).toThrow(/name their files/);
    expect(() => startPlan(["a.ts", "--call", "greet", "--detach"], {}, dir)).toThrow(/foreground/);
    expect(() => startPlan(["a.ts", "--call-args", "{}"], {}, dir)).toThrow(/needs --call/);
    expect(() => startPlan(["a.ts", "--call", "greet", "--call-args", "[1]"], {}, dir)).toThrow(/JSON object/);
  });
});
