// Our TypeScript side of the mixed mesh, run in the test process: a provider with one tool per
// kind of result plus the `lang` capability the Python provider also offers (another version,
// other tags), and a consumer mirroring the Python one (agents/py_consumer.py) dependency for
// dependency, so both runtimes' choices can be compared on the same registry.
import { type MeshAgent, mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

export function agentOptions(name: string, registryUrl: string, env: Record<string, string> = {}) {
  return {
    name,
    registryUrl,
    httpPort: 0,
    httpHost: "127.0.0.1",
    bindHost: "127.0.0.1",
    heartbeatInterval: 1,
    logLevel: "silent" as const,
    autoRun: false,
    handleSignals: false,
    // The test's settings are final: an exported MCP_MESH_REGISTRY_URL must not leak in.
    env,
  };
}

export function tsProvider(registryUrl: string, name = "ts-provider"): MeshAgent {
  const agent = mesh.agent(agentOptions(name, registryUrl));
  agent.tool({
    name: "ts_string",
    input: { name: z.string().default("world") },
    handler: ({ name }) => `hello ${name} from typescript`,
  });
  agent.tool({ name: "ts_number", handler: () => 42 });
  agent.tool({ name: "ts_float", handler: () => 2.5 });
  agent.tool({ name: "ts_bool", handler: () => true });
  agent.tool({ name: "ts_object", handler: () => ({ lang: "typescript", n: 1, nested: { ok: true, none: null } }) });
  agent.tool({ name: "ts_list", handler: () => [1, "two", { three: 3 }, null] });
  agent.tool({ name: "ts_null", handler: () => null });
  agent.tool({
    name: "ts_error",
    handler: () => {
      throw new Error("typescript says no");
    },
  });
  agent.tool({
    name: "ts_lang",
    capability: "lang",
    version: "2.0.0",
    tags: ["typescript", "shared"],
    handler: () => "typescript",
  });
  return agent;
}

/** The Python provider's capabilities, each wired by the TS consumer's `ts_relay`. */
export const PY_KINDS = ["string", "number", "float", "bool", "dict", "list", "none", "untyped", "error"] as const;
export type PyKind = (typeof PY_KINDS)[number];

/** Same keys and specs as py_pick in agents/py_consumer.py. */
export const LANG_SPECS = {
  v2: { capability: "lang", version: ">=2.0.0" },
  v1: { capability: "lang", version: "<2.0.0" },
  python: { capability: "lang", tags: ["python"] },
  typescript: { capability: "lang", tags: ["typescript"] },
  prefer_python: { capability: "lang", tags: ["+python"] },
  prefer_typescript: { capability: "lang", tags: ["+typescript"] },
  not_python: { capability: "lang", tags: ["-python"] },
  not_typescript: { capability: "lang", tags: ["-typescript"] },
  shared_prefer_python: { capability: "lang", tags: ["shared", "+python"], version: ">=1.0.0" },
  java: { capability: "lang", tags: ["java"] },
} as const;

/** Which runtime each LANG_SPECS entry must pick (the reference registry agrees: see the test). */
export const LANG_EXPECTED: Record<keyof typeof LANG_SPECS, "python" | "typescript" | null> = {
  v2: "typescript",
  v1: "python",
  python: "python",
  typescript: "typescript",
  prefer_python: "python",
  prefer_typescript: "typescript",
  not_python: "typescript",
  not_typescript: "python",
  shared_prefer_python: "python",
  java: null,
};

export type Outcome =
  | { wired: false }
  | { wired: true; value: unknown }
  | { wired: true; error: { code: unknown; message: string } };

export function tsConsumer(registryUrl: string, name = "ts-consumer"): MeshAgent {
  const agent = mesh.agent(agentOptions(name, registryUrl));
  agent.tool({
    name: "ts_relay",
    input: { kind: z.enum(PY_KINDS) },
    dependencies: {
      string: "py_string",
      number: "py_number",
      float: "py_float",
      bool: "py_bool",
      dict: "py_dict",
      list: "py_list",
      none: "py_none",
      untyped: "py_untyped",
      error: "py_error",
    },
    // Reports what our proxy decoded from the Python tool (or the error it threw).
    async handler({ kind }, deps): Promise<Outcome> {
      const proxy = deps[kind];
      if (!proxy) return { wired: false };
      try {
        return { wired: true, value: await (kind === "string" ? proxy({ name: "Ada" }) : proxy()) };
      } catch (err) {
        return { wired: true, error: { code: (err as { code?: unknown }).code, message: (err as Error).message } };
      }
    },
  });
  agent.tool({
    name: "ts_pick",
    dependencies: LANG_SPECS,
    async handler(_args, deps) {
      const out: Record<string, unknown> = {};
      for (const [key, proxy] of Object.entries(deps)) out[key] = proxy ? await proxy() : null;
      return out;
    },
  });
  return agent;
}

/**
 * A consumer whose calls time out after 1 s unless told otherwise, of the Python provider's
 * slow tool (2.5 s, declaring `timeout=60`): once as is, once with its own 0.5 s timeout.
 */
export function tsSlowConsumer(registryUrl: string): MeshAgent {
  const agent = mesh.agent(agentOptions("ts-slow-consumer", registryUrl, { MCP_MESH_CALL_TIMEOUT: "1" }));
  agent.tool({
    name: "ts_slow",
    dependencies: { slow: "py_slow", impatient: { capability: "py_slow", timeout: 500 } },
    async handler(_args, deps) {
      const outcome = async (proxy: typeof deps.slow): Promise<Outcome> => {
        if (!proxy) return { wired: false };
        try {
          return { wired: true, value: await proxy() };
        } catch (err) {
          return { wired: true, error: { code: (err as { code?: unknown }).code, message: (err as Error).message } };
        }
      };
      return { slow: await outcome(deps.slow), impatient: await outcome(deps.impatient) };
    },
  });
  return agent;
}
