// @mcp-mesh/sdk/testing: a whole mesh in one test process. An in-process registry (ours, on an
// in-memory SQLite store), agents pointed at it with test-friendly defaults (loopback, any free
// port, short heartbeat, quiet logs, no signal handlers), and hooks on a running agent (hooks.ts):
// fakes for dependencies, waiting until a dependency is wired.

import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { Registry } from "@mcp-mesh/registry";
import pino from "pino";
import { Agent } from "undici";
import type { MeshAgent } from "../agent.js";
import { decodeResponse } from "../decode-result.js";
import { mesh } from "../mesh.js";
import { postToolsCall } from "../transport-client.js";
import type { AgentOptions, ToolArgs } from "../types.js";

export interface TestRegistry {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  registry: Registry;
  close(): Promise<void>;
}

export interface TestRegistryOptions {
  /** Seconds without a heartbeat before an agent is unhealthy (default 20). */
  timeoutThreshold?: number;
  /** Seconds between health scans (default 10). */
  healthCheckInterval?: number;
  /** Port to listen on (default any free port). */
  port?: number;
}

// The registry is an optional peer of the SDK: only tests need it (and meshctl, which depends on
// it, brings it along), so an agent in production does not install Fastify and SQLite.
async function loadRegistry(): Promise<typeof import("@mcp-mesh/registry")> {
  try {
    return await import("@mcp-mesh/registry");
  } catch (e) {
    // Only the package itself missing; a module missing inside it is a different problem.
    const missing = /Cannot find package '@mcp-mesh\/registry'/.test(String((e as Error).message));
    if ((e as { code?: string }).code !== "ERR_MODULE_NOT_FOUND" || !missing) throw e;
    throw new MeshError(
      ErrorCodes.CONFIG_INVALID,
      "@mcp-mesh/sdk/testing starts a registry in the test process, from @mcp-mesh/registry, which is not installed: npm install --save-dev @mcp-mesh/registry (or @mcp-mesh/cli, which includes it), or pass { registry: false }",
    );
  }
}

/** Starts our registry in this process on a free loopback port, with nothing persisted. */
export async function startTestRegistry(opts: TestRegistryOptions = {}): Promise<TestRegistry> {
  const { createRegistry, openSqliteStore } = await loadRegistry();
  const registry = await createRegistry({
    store: openSqliteStore(":memory:"),
    config: {
      host: "127.0.0.1",
      port: opts.port ?? 0,
      ...(opts.timeoutThreshold !== undefined && { timeoutThresholdMs: opts.timeoutThreshold * 1000 }),
      ...(opts.healthCheckInterval !== undefined && { healthCheckIntervalMs: opts.healthCheckInterval * 1000 }),
    },
    logger: pino({ level: "silent" }),
  });
  const url = (await registry.listen()).replace("localhost", "127.0.0.1");
  return { url, registry, close: () => registry.close() };
}

export interface TestMesh {
  /** The in-process registry (absent with `registry: false`). */
  registry: TestRegistry | undefined;
  /** Declares an agent on this mesh: loopback, free port, autoRun off, registry preset. */
  agent(options: AgentOptions): MeshAgent;
  /** Starts every declared agent that is not running yet. */
  start(): Promise<void>;
  /** Calls `tool` on `agent` over HTTP, as another agent would, and decodes the result. */
  call(agent: MeshAgent, tool: string, args?: ToolArgs): Promise<unknown>;
  /** Stops every agent, then the registry. */
  close(): Promise<void>;
}

export interface TestMeshOptions extends TestRegistryOptions {
  /** Start an in-process registry (default true). */
  registry?: boolean;
  /** Heartbeat interval in seconds for the mesh's agents (default 1). */
  heartbeatInterval?: number;
}

export async function createTestMesh(opts: TestMeshOptions = {}): Promise<TestMesh> {
  const registry = opts.registry === false ? undefined : await startTestRegistry(opts);
  const agents: MeshAgent[] = [];
  const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
  return {
    registry,
    agent(options) {
      const agent = mesh.agent({
        httpPort: 0,
        httpHost: "127.0.0.1",
        bindHost: "127.0.0.1",
        heartbeatInterval: opts.heartbeatInterval ?? 1,
        settleTimeout: 3,
        logLevel: "silent",
        ...options,
        ...(registry ? { registryUrl: registry.url } : { standalone: true }),
        autoRun: false,
        handleSignals: false,
        // The mesh's settings are final: an exported MCP_MESH_REGISTRY_URL must not leak in.
        env: {},
      });
      agents.push(agent);
      return agent;
    },
    async start() {
      await Promise.all(agents.map((a) => a.start()));
    },
    async call(agent, tool, args = {}) {
      const url = agent.url;
      if (!url) throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${agent.options.name}" is not started`);
      const response = await postToolsCall(dispatcher, {
        endpoint: url,
        functionName: tool,
        args,
        timeoutMs: 30_000,
        headers: {},
        traceId: undefined,
        propagated: {},
      });
      return decodeResponse(response, `${tool} at ${url}`);
    },
    async close() {
      await Promise.allSettled(agents.map((a) => a.stop()));
      await dispatcher.close();
      await registry?.close();
    },
  };
}

export { MeshAgent } from "../agent.js";
export { fakeTool } from "../fake-tool.js";
export { fake, inFlightCalls, providers, waitForDependency } from "./hooks.js";
export { llmWiring, waitForLlm } from "./llm-hooks.js";
export type {
  RecordedRequest,
  ScriptedLlm,
  ScriptedLlmOptions,
  ScriptedToolCall,
  ScriptedTurn,
  ScriptedUsage,
  ScriptStep,
} from "./scripted-llm.js";
export { startScriptedLlm } from "./scripted-llm.js";
