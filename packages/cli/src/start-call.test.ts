import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentInfo } from "./agent-info.js";
import { meshctlName, shellQuote, tryLines } from "./start-call.js";

const agent = (name: string, port: number, tools: string[]): AgentInfo => ({
  id: `${name}-1a2b3c4d`,
  name,
  status: "healthy",
  endpoint: `http://127.0.0.1:${port}`,
  capabilities: tools.map((t) => ({ name: `${t}_cap`, function_name: t })),
});

describe("what meshctl start suggests trying", () => {
  const hello = agent("hello-world", 9090, ["hello_mesh_simple"]);
  const system = agent("system-agent", 9091, ["get_current_time"]);

  it("names the call that was made, with its arguments, and every agent's /mcp URL", () => {
    const lines = tryLines({
      registryUrl: "http://localhost:8000",
      agents: [hello, system],
      call: { tool: "hello_mesh_simple", agent: hello, args: { who: "you" } },
      meshctl: "npx meshctl",
    });
    expect(lines).toContain(`  npx meshctl call hello_mesh_simple '{"who":"you"}'`);
    expect(lines).toContain("  npx meshctl list");
    expect(lines).toContain("  npx meshctl status hello-world");
    expect(lines).toContain(
      `  curl -s http://127.0.0.1:9090/mcp -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello_mesh_simple","arguments":{"who":"you"}}}'`,
    );
    expect(lines).toContain("system-agent  http://127.0.0.1:9091/mcp  (MCP, streamable HTTP)");
    expect(lines).toContain("registry      http://localhost:8000");
  });

  it("shows a web app (agent_type api) with its own address, not an /mcp URL", () => {
    const web = { ...agent("chat-web", 3000, []), agent_type: "api" };
    const lines = tryLines({ registryUrl: "http://localhost:8000", agents: [system, web], meshctl: "meshctl" });
    expect(lines).toContain("chat-web      http://127.0.0.1:3000  (web app, consumer only)");
    expect(lines).toContain("system-agent  http://127.0.0.1:9091/mcp  (MCP, streamable HTTP)");
  });

  it("adds --registry-url when the registry is not the default, and suggests a tool without --call", () => {
    const lines = tryLines({ registryUrl: "http://127.0.0.1:8100", agents: [system], meshctl: "meshctl" });
    expect(lines).toContain("  meshctl list --registry-url http://127.0.0.1:8100");
    expect(lines).toContain("  meshctl call get_current_time --registry-url http://127.0.0.1:8100");
  });

  it("quotes for a POSIX shell", () => {
    expect(shellQuote("plain-word")).toBe("plain-word");
    expect(shellQuote(`{"who":"O'Brien"}`)).toBe(`'{"who":"O'\\''Brien"}'`);
  });

  it("says npx meshctl when run from an npm script", () => {
    expect(meshctlName({ npm_lifecycle_event: "demo" })).toBe("npx meshctl");
    expect(meshctlName({})).toBe("meshctl");
  });

  it("says npm run meshctl -- in a project with a meshctl script (never npx there)", () => {
    const dir = mkdtempSync(join(tmpdir(), "meshctl-name-"));
    try {
      const file = join(dir, "package.json");
      writeFileSync(file, JSON.stringify({ scripts: { start: "meshctl start index.ts", meshctl: "meshctl" } }));
      expect(meshctlName({ npm_lifecycle_event: "start", npm_package_json: file })).toBe("npm run meshctl --");
      writeFileSync(file, JSON.stringify({ scripts: { demo: "meshctl start ." } }));
      expect(meshctlName({ npm_lifecycle_event: "demo", npm_package_json: file })).toBe("npx meshctl");
      writeFileSync(file, "not json");
      expect(meshctlName({ npm_lifecycle_event: "demo", npm_package_json: file })).toBe("npx meshctl");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
