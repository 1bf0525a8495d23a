// Configuration (environment beats code; every problem at once) and an agent with no registry.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort } from "../../../test/interop/processes.js";
import { parseAgentConfig } from "../src/config.js";
import { mesh } from "../src/index.js";
import { callText } from "./agent-processes.js";

describe("configuration", () => {
  it("environment beats code, code beats defaults", () => {
    const { config, problems } = parseAgentConfig(
      { name: "from-code", httpPort: 9000, namespace: "code-ns", heartbeatInterval: 7 },
      {
        MCP_MESH_AGENT_NAME: "from-env",
        MCP_MESH_HTTP_PORT: "0",
        MCP_MESH_REGISTRY_URL: "http://reg:9/",
        MCP_MESH_HEALTH_INTERVAL: "2",
      },
    );
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      name: "from-env",
      httpPort: 0,
      namespace: "code-ns",
      registryUrl: "http://reg:9",
      heartbeatIntervalMs: 2000,
    });
  });

  it("every problem names the option, and the variable when the value came from the environment", () => {
    const fromCode = parseAgentConfig(
      {
        name: "ok",
        httpPort: 99999,
        heartbeatInterval: 0,
        settleTimeout: -1,
        registryUrl: "ftp://x",
        logLevel: "loud",
      },
      {},
    ).problems;
    expect(fromCode).toEqual([
      "httpPort = 99999: must be a whole number from 0 to 65535 (0 = any free port)",
      "heartbeatInterval = 0: must be seconds, more than 0 and at most 3600",
      "settleTimeout = -1: must be seconds, from 0 to 600",
      'registryUrl = "ftp://x": not an http(s) URL',
      'logLevel = "loud": one of trace, debug, info, warn, error, fatal, silent',
    ]);
    const fromEnv = parseAgentConfig(
      { name: "ok" },
      {
        MCP_MESH_HTTP_PORT: "99999",
        MCP_MESH_NAMESPACE: "Prod",
        MCP_MESH_STANDALONE: "maybe",
        MCP_MESH_CALL_TIMEOUT: "soon",
      },
    ).problems;
    expect(fromEnv).toEqual([
      'namespace = "Prod" (from MCP_MESH_NAMESPACE): use lowercase letters, digits and hyphens',
      'httpPort = "99999" (from MCP_MESH_HTTP_PORT): must be a whole number from 0 to 65535 (0 = any free port)',
      'MCP_MESH_CALL_TIMEOUT = "soon": must be seconds, more than 0 and at most 3600',
      'standalone = "maybe" (from MCP_MESH_STANDALONE): expected true or false',
    ]);
  });

  it("start fails with every problem listed", async () => {
    const agent = mesh.agent({
      name: "Bad_Name",
      httpPort: 70000,
      namespace: "Prod",
      autoRun: false,
      handleSignals: false,
    });
    agent.tool({ name: "t", version: "one", dependencies: { d: { capability: "", timeout: -1 } }, handler: () => "x" });
    const err = await agent.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MeshError);
    expect((err as MeshError).code).toBe(ErrorCodes.CONFIG_INVALID);
    const problems = (err as MeshError).details?.problems as string[];
    expect(problems.join("\n")).toMatch(/name = "Bad_Name"/);
    expect(problems).toContain("httpPort = 70000: must be a whole number from 0 to 65535 (0 = any free port)");
    expect(problems.join("\n")).toMatch(/namespace = "Prod"/);
    expect(problems.join("\n")).toMatch(/version "one"/);
    expect(problems.join("\n")).toMatch(/dependency "d" needs a valid capability/);
    expect(problems.join("\n")).toMatch(/timeout must be > 0/);
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });
});

describe("an agent whose registry never answers", () => {
  it("serves its tools; optional dependencies are null, required ones fail after the settle window", async () => {
    const deadRegistry = `http://127.0.0.1:${await freePort()}`;
    const agent = mesh.agent({
      name: "lonely",
      registryUrl: deadRegistry,
      bindHost: "127.0.0.1",
      httpHost: "127.0.0.1",
      autoRun: false,
      handleSignals: false,
      settleTimeout: 0.5,
      logLevel: "silent",
    });
    agent.tool({ name: "plain", input: { x: z.number() }, handler: ({ x }) => x * 2 });
    agent.tool({ name: "optional", dependencies: { d: "somewhere" }, handler: (_a, { d }) => (d ? "wired" : "null") });
    agent.tool({
      name: "required",
      dependencies: { d: { capability: "somewhere", required: true } },
      handler: () => "ran",
    });
    // The settle window counts from the start, so that is where the wait is measured from.
    const t0 = Date.now();
    const handle = await agent.start();
    try {
      expect(await callText(handle.url, "plain", { x: 21 })).toBe("42");
      expect(await callText(handle.url, "required")).toContain("dependency_unavailable");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300); // waited for the settle window first
      expect(await callText(handle.url, "optional")).toBe("null");
      const ready = await (await fetch(`${handle.url}/ready`)).json();
      expect(ready).toMatchObject({ ready: true, runtime: "up" });
    } finally {
      await handle.stop();
    }
  });

  it("a busy port falls back to a free one, and that is the port it reports", async () => {
    const a = mesh.agent({
      name: "first",
      standalone: true,
      bindHost: "127.0.0.1",
      autoRun: false,
      handleSignals: false,
      logLevel: "silent",
    });
    const ha = await a.start();
    const b = mesh.agent({
      name: "second",
      standalone: true,
      httpPort: ha.port,
      bindHost: "127.0.0.1",
      autoRun: false,
      handleSignals: false,
      logLevel: "silent",
    });
    const hb = await b.start();
    try {
      expect(hb.port).not.toBe(ha.port);
      expect((await fetch(`http://127.0.0.1:${hb.port}/livez`)).status).toBe(200);
    } finally {
      await Promise.all([ha.stop(), hb.stop()]);
    }
  });
});
