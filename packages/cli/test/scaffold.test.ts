// meshctl scaffold makes a project that `meshctl start` runs as generated, outside this
// repository (no node_modules next to it), and whose tool answers a call.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import { baseEnv, meshctl, missingBuild, show } from "./meshctl-process.js";

describeWithPrerequisites("meshctl scaffold", missingBuild(), () => {
  const home = mkdtempSync(join(tmpdir(), "meshctl-scaffold-"));
  afterAll(async () => {
    await meshctl(["stop", "--timeout", "3"], baseEnv(home));
    rmSync(home, { recursive: true, force: true });
  });

  it("generates an agent that starts and answers", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const made = await meshctl(["scaffold", "weather-agent", "--output", join(home, "weather-agent")], env);
    expect(made.code, show(made)).toBe(0);
    const started = await meshctl(["start", join(home, "weather-agent"), "--detach", "--db-path", ":memory:"], env);
    expect(started.code, show(started)).toBe(0);
    const call = await meshctl(["call", "weather_agent_hello", '{"who": "Ada"}'], env);
    expect(call.code, show(call)).toBe(0);
    expect(call.stdout).toBe("Hello Ada, from weather-agent!\n");
    const again = await meshctl(["scaffold", "weather-agent", "--output", join(home, "weather-agent")], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/exists and is not empty: pick another --output, or --force/);
    const bad = await meshctl(["scaffold", "Weather_Agent"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a valid agent name/);
  });

  it("--template llm: an LLM tool whose prompt file is found from the package root; null llm degrades", async () => {
    const env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    const made = await meshctl(["scaffold", "advisor", "--template", "llm", "--output", join(home, "advisor")], env);
    expect(made.code, show(made)).toBe(0);
    expect(made.stderr).toMatch(/call advisor_ask '\{"question": "What can you do\?"\}'/);
    const started = await meshctl(["start", join(home, "advisor"), "--detach", "--db-path", ":memory:"], env);
    expect(started.code, show(started)).toBe(0);
    const call = await meshctl(["call", "advisor_ask", '{"question": "hi"}'], env);
    expect(call.code, show(call)).toBe(0);
    expect(JSON.parse(call.stdout)).toEqual({ answer: "No LLM provider is in the mesh yet.", confidence: 0 });
    const unknown = await meshctl(["scaffold", "x-agent", "--template", "fancy"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown template 'fancy': use basic, llm, llm-provider/);
  });
});
