// The mesh the route suites run against: our registry in-process, a provider agent (greet,
// echo_headers, slow) on loopback, and the web app's MeshApi pointed at the registry.
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { startReferenceRegistry } from "../../../../test/interop/reference.js";
import type { MeshAgent } from "../../src/agent.js";
import { mesh } from "../../src/mesh.js";
import { MeshApi } from "../../src/routes/api-agent.js";
import { startTestRegistry } from "../../src/testing/index.js";

/** Which registry the mesh runs on: ours in-process, or the reference binary as a process. */
export type RegistryKind = "ours" | "reference";

export interface MeshFixture {
  registry: { url: string };
  api: MeshApi;
  provider: MeshAgent;
  /** Starts a (new) provider agent with the mesh's tools. */
  startProvider(): Promise<MeshAgent>;
  /** Waits until the web app's dependency on `capability` is wired (or unwired). */
  waitWired(capability: string, wired: boolean): Promise<void>;
  /** Agents the registry lists now: agent_id and agent_type. */
  listed(): Promise<{ id: string; agent_type: string; name: string; status: string }[]>;
  close(): Promise<void>;
}

export async function startMeshFixture(name: string, kind: RegistryKind = "ours"): Promise<MeshFixture> {
  const registry =
    kind === "ours"
      ? await startTestRegistry()
      : await startReferenceRegistry().then((r) => ({ url: r.url, close: () => r.stop() }));
  const agents: MeshAgent[] = [];
  const startProvider = async () => {
    const agent = mesh.agent({
      name: `${name}-provider`,
      httpPort: 0,
      httpHost: "127.0.0.1",
      bindHost: "127.0.0.1",
      heartbeatInterval: 1,
      logLevel: "silent",
      registryUrl: registry.url,
      autoRun: false,
      handleSignals: false,
      env: {},
    });
    agent.tool({ name: "greet", input: { name: z.string() }, handler: ({ name }) => `Hello, ${name}!` });
    agent.tool({ name: "echo_headers", handler: (_args, _deps, ctx) => ctx.headers });
    agent.tool({
      name: "slow",
      handler: async () => {
        await sleep(3000);
        return "late";
      },
    });
    agents.push(agent);
    await agent.start();
    return agent;
  };
  const provider = await startProvider();
  const api = new MeshApi({
    name,
    registryUrl: registry.url,
    httpHost: "127.0.0.1",
    heartbeatInterval: 1,
    logLevel: "silent",
    autoRun: false,
    handleSignals: false,
    env: { MCP_MESH_PROPAGATE_HEADERS: "authorization,x-request-*" },
  });
  return {
    registry,
    api,
    provider,
    startProvider,
    async waitWired(capability, wired) {
      for (let i = 0; i < 200; i++) {
        if (api.providers(capability).length > 0 === wired) return;
        await sleep(50);
      }
      throw new Error(`${capability} not ${wired ? "wired" : "unwired"} within 10 s`);
    },
    async listed() {
      const res = await fetch(`${registry.url}/agents`);
      const body = (await res.json()) as { agents: { id: string; agent_type: string; name: string; status: string }[] };
      return body.agents;
    },
    async close() {
      await api.stop();
      await Promise.allSettled(agents.map((a) => a.stop()));
      await registry.close();
    },
  };
}

/** /typed's dependency: `greet` answers a string, so this output schema refuses it. */
export const typedGreet = { capability: "greet", required: true, output: z.object({ text: z.string() }) } as const;

/** What each framework's app serves, the same routes in each framework's idiom. */
export interface RouteApp {
  url: string;
  close(): Promise<void>;
}

/** Shared by the streaming routes: set when the client's disconnect ended the iteration. */
export interface StreamProbe {
  cancelled: boolean;
}

/** The chunks /stream sends after the greeting: an empty chunk and a chunk of two lines. */
export async function* streamOf(first: string): AsyncGenerator<string> {
  yield first;
  yield "";
  yield "two\nlines";
}

/** Calls the dependency while the stream is read (as a `dep.stream()` does): what it saw. */
export async function* lazyHeaders(echo: () => Promise<unknown>): AsyncGenerator<string> {
  yield "start";
  const seen = (await echo()) as Record<string, string>;
  yield seen.authorization ?? "no authorization";
}

export async function* failingStream(): AsyncGenerator<string> {
  yield "a";
  throw new Error("upstream broke");
}

export async function* endless(probe: StreamProbe): AsyncGenerator<string> {
  try {
    for (let i = 0; ; i++) {
      yield `tick ${i}`;
      await sleep(20);
    }
  } finally {
    probe.cancelled = true;
  }
}
