// @mcp-mesh/sdk/testing makes its settings final: MCP_MESH_* variables exported in the shell that
// runs the tests (a real registry's URL, a fixed port) must not leak into a test mesh.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestMesh, type TestMesh, waitForDependency } from "../src/testing/index.js";

const LEAKY = {
  MCP_MESH_REGISTRY_URL: "http://127.0.0.1:9", // nothing listens on the discard port
  MCP_MESH_HTTP_PORT: "1",
  MCP_MESH_AGENT_NAME: "not-my-name",
};

describe("createTestMesh and the environment", () => {
  let m: TestMesh | undefined;
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const [k, v] of Object.entries(LEAKY)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterEach(async () => {
    await m?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("wires agents through its own registry whatever MCP_MESH_* says", async () => {
    m = await createTestMesh();
    const provider = m.agent({ name: "clock" });
    provider.tool({ name: "now", capability: "time", handler: () => "12:00" });
    const consumer = m.agent({ name: "reader" });
    consumer.tool({
      name: "read",
      dependencies: { time: "time" },
      handler: async (_args, { time }) => (time ? `it is ${await time()}` : "no clock"),
    });
    await m.start();
    await waitForDependency(consumer, "time");
    expect(await m.call(consumer, "read")).toBe("it is 12:00");
    const listed = (await (await fetch(`${m.registry?.url}/agents`)).json()) as { agents: Array<{ name: string }> };
    expect(listed.agents.map((a) => a.name).sort()).toEqual(["clock", "reader"]);
  });
});
