// The reference `meshctl` (3.7.1) driving OUR registry: list, list --json, status and call
// (through our /proxy/{host}:{port}/mcp) must work as they do against the reference registry.
// PROTOCOL.md §7.1. A real MCP server (official TS SDK) plays the provider agent.
// Env: OURS_CMD (see ours.ts) — point it at the reference binary to validate this test itself.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ECHO_UPPER_INPUT_SCHEMA, type McpTestServer, startMcpTestServer } from "./mcp-test-server.js";
import { missingOurs, startOurRegistry } from "./ours.js";
import { describeWithPrerequisites } from "./prerequisites.js";
import { freePort, type RegistryProcess } from "./processes.js";
import { missingReferenceBinaries, referenceBinary } from "./reference.js";
import { type JsonObject, postHeartbeat } from "./registry-client.js";

const ECHO_ID = "echo-agent-1a2b3c4d";
const CONSUMER_ID = "echo-consumer-5e6f7a8b";

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const missing = [...missingReferenceBinaries("meshctl"), ...missingOurs()];

describeWithPrerequisites("reference meshctl against our registry", missing, () => {
  let registry: RegistryProcess | undefined;
  let echo: McpTestServer | undefined;
  let home = "";

  // Async on purpose: the MCP server runs in this process and must keep serving while
  // meshctl waits for it. execFile kills the child on timeout.
  function meshctl(...args: string[]): Promise<CliResult> {
    if (!registry) throw new Error("registry not started");
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1", TERM: "dumb" };
    const argv = [...args, "--registry-url", registry.url];
    return new Promise((resolve) => {
      execFile(referenceBinary("meshctl"), argv, { env, timeout: 20_000, cwd: home }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }
  const show = (r: CliResult) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  // meshctl 3.7.1 colours its tables even with NO_COLOR=1 and no TTY [observed]; strip ANSI.
  const plain = (text: string) => stripVTControlCharacters(text);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-home-"));
    [registry, echo] = await Promise.all([startOurRegistry(), startMcpTestServer()]);
    const echoAgent: JsonObject = {
      agent_id: ECHO_ID,
      name: "echo-agent",
      agent_type: "mcp_agent",
      runtime: "typescript",
      version: "1.0.0",
      http_host: "127.0.0.1",
      http_port: echo.port,
      namespace: "default",
      a2a_producer: false,
      a2a_consumer: false,
      tools: [
        {
          function_name: "echo_upper",
          capability: "echo",
          version: "1.0.0",
          tags: ["text", "demo"],
          description: "Returns the text upper-cased",
          inputSchema: ECHO_UPPER_INPUT_SCHEMA as unknown as JsonObject,
        },
      ],
    };
    const consumer: JsonObject = {
      agent_id: CONSUMER_ID,
      name: "echo-consumer",
      runtime: "typescript",
      version: "1.0.0",
      http_host: "127.0.0.1",
      http_port: await freePort(), // never dialled by these tests
      tools: [
        {
          function_name: "shout",
          capability: "shouting",
          version: "1.0.0",
          tags: ["demo"],
          inputSchema: { type: "object", properties: { text: { type: "string" } } },
          dependencies: [{ capability: "echo", tags: ["text"], version: ">=1.0.0" }],
        },
      ],
    };
    for (const registration of [echoAgent, consumer]) {
      const res = await postHeartbeat(registry.url, registration);
      expect(res.body.status, JSON.stringify(res.body)).toBe("success");
    }
  }, 45_000);

  afterAll(async () => {
    await Promise.all([registry?.stop(), echo?.close()]);
    if (home) rmSync(home, { recursive: true, force: true });
  }, 20_000);

  it("meshctl list shows both agents as healthy", async () => {
    const r = await meshctl("list");
    expect(r.code, show(r)).toBe(0);
    const rows = plain(r.stdout).split("\n");
    for (const id of [ECHO_ID, CONSUMER_ID]) {
      const row = rows.find((l) => l.startsWith(id));
      expect(row, show(r)).toBeDefined();
      expect(row, show(r)).toMatch(/\bhealthy\b/);
    }
    // DEPS column = resolved/total, CAPS column = available/total (§7.1).
    expect(
      rows.find((l) => l.startsWith(CONSUMER_ID)),
      show(r),
    ).toMatch(/\s1\/1\s+1\/1\s/);
  }, 30_000);

  it("meshctl list --json lists both with capability and dependency counts", async () => {
    const r = await meshctl("list", "--json");
    expect(r.code, show(r)).toBe(0);
    // meshctl's own JSON shape (not the registry's): {registry:{...}, agents:[{id, status,
    // tools:[{name, capability, function_name, ...}], dependencies_resolved, dependencies_total}]}
    const parsed = JSON.parse(r.stdout) as { registry?: JsonObject; agents?: JsonObject[] };
    expect(parsed.registry?.status, show(r)).toBe("running");
    const byId = new Map((parsed.agents ?? []).map((a) => [a.id, a]));
    const echoAgent = byId.get(ECHO_ID);
    const consumer = byId.get(CONSUMER_ID);
    expect(echoAgent, show(r)).toBeDefined();
    expect(consumer, show(r)).toBeDefined();
    expect([echoAgent?.status, consumer?.status]).toEqual(["healthy", "healthy"]);
    const tools = (a: JsonObject | undefined) =>
      ((a?.tools as JsonObject[] | null) ?? []).map((t) => [t.capability, t.function_name, t.available]);
    expect(tools(echoAgent)).toEqual([["echo", "echo_upper", true]]);
    expect(tools(consumer)).toEqual([["shouting", "shout", true]]);
    expect([echoAgent?.dependencies_resolved, echoAgent?.dependencies_total]).toEqual([0, 0]);
    expect([consumer?.dependencies_resolved, consumer?.dependencies_total]).toEqual([1, 1]);
  }, 30_000);

  it("meshctl status <consumer> shows the dependency resolved to the echo agent", async () => {
    const r = await meshctl("status", CONSUMER_ID);
    expect(r.code, show(r)).toBe(0);
    const text = plain(r.stdout);
    expect(text, show(r)).toContain(`Agent Details: ${CONSUMER_ID}`);
    // Text table columns: DEPENDENCY, MCP TOOL, ENDPOINT (no provider id in the text view).
    const row = text.split("\n").find((l) => /^echo\s+echo_upper\s/.test(l));
    expect(row, show(r)).toContain(`http://127.0.0.1:${echo?.port}`);
    const json = await meshctl("status", CONSUMER_ID, "--json");
    expect(json.code, show(json)).toBe(0);
    const details = JSON.parse(json.stdout) as JsonObject;
    expect(details.dependency_resolutions, show(json)).toEqual([
      expect.objectContaining({
        function_name: "shout",
        capability: "echo",
        mcp_tool: "echo_upper",
        provider_agent_id: ECHO_ID,
        endpoint: `http://127.0.0.1:${echo?.port}`,
        status: "available",
      }),
    ]);
  }, 30_000);

  it("meshctl call echo_upper goes through our /proxy to the MCP server", async () => {
    const before = echo?.requestCount() ?? 0;
    const r = await meshctl("call", "echo_upper", '{"text":"hi"}');
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout, show(r)).toContain("HI");
    // meshctl prints the JSON-RPC result (a CallToolResult), pretty by default.
    const result = JSON.parse(r.stdout) as { content?: { type: string; text: string }[] };
    expect(result.content, show(r)).toEqual([{ type: "text", text: "HI" }]);
    expect(echo?.requestCount() ?? 0, "the call must reach the MCP server").toBeGreaterThan(before);
  }, 30_000);
});
