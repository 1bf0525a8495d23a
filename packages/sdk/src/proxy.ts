// The callable injected for a dependency. Calls rotate over the primary and its equal replicas;
// a provider that cannot be reached (connection refused/reset) is skipped at once for the next
// one, so a dead replica costs no failed call while another is alive. Timeouts and exhausted
// providers are retried `retries` times with exponential backoff and jitter.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import { callContext } from "./call-context.js";
import { decodeResponse } from "./decode-result.js";
import { postToolsCall } from "./transport-client.js";
import type { CallOptions, McpMeshTool, ToolArgs, ToolContext } from "./types.js";
import type { Provider, Slot } from "./wiring.js";

export interface ProxyEnv {
  dispatcher: Dispatcher;
  /** This agent's id: a provider with the same id is called in-process. */
  selfId: () => string;
  callLocal: (functionName: string, args: ToolArgs, ctx: ToolContext | undefined) => Promise<unknown>;
  defaultTimeoutMs: number;
  propagateHeaders: string[];
  record: (capability: string, outcome: "ok" | "error", seconds: number) => void;
}

export function createProxy(slot: Slot, env: ProxyEnv): McpMeshTool {
  const call = (functionName: string | undefined, args: ToolArgs | undefined, options: CallOptions | undefined) =>
    callSlot(slot, env, functionName, args ?? {}, options);
  const proxy = ((args?: ToolArgs, options?: CallOptions) => call(undefined, args, options)) as McpMeshTool;
  Object.defineProperties(proxy, {
    callTool: { value: (name: string, args?: ToolArgs, options?: CallOptions) => call(name, args, options) },
    capability: { get: () => slot.spec.capability, enumerable: true },
    endpoint: { get: () => slot.providers[0]?.endpoint ?? "", enumerable: true },
    functionName: { get: () => slot.providers[0]?.functionName ?? "", enumerable: true },
    agentId: { get: () => slot.providers[0]?.agentId ?? "", enumerable: true },
  });
  return proxy;
}

async function callSlot(
  slot: Slot,
  env: ProxyEnv,
  functionName: string | undefined,
  args: ToolArgs,
  options: CallOptions | undefined,
): Promise<unknown> {
  const started = performance.now();
  try {
    const value = await attemptAll(slot, env, functionName, args, options);
    env.record(slot.spec.capability, "ok", (performance.now() - started) / 1000);
    return value;
  } catch (err) {
    env.record(slot.spec.capability, "error", (performance.now() - started) / 1000);
    throw err;
  }
}

async function attemptAll(
  slot: Slot,
  env: ProxyEnv,
  functionName: string | undefined,
  args: ToolArgs,
  options: CallOptions | undefined,
): Promise<unknown> {
  const ctx = callContext.getStore();
  const timeoutMs =
    options?.timeout ?? slot.spec.timeoutMs ?? providerTimeoutMs(slot.providers[0]) ?? env.defaultTimeoutMs;
  let lastError: MeshError | undefined;
  for (let attempt = 0; attempt <= slot.spec.retries; attempt++) {
    if (attempt > 0) await sleep(backoffMs(attempt));
    const order = callOrder(slot);
    if (order.length === 0) {
      lastError = new MeshError(
        ErrorCodes.DEPENDENCY_UNAVAILABLE,
        `dependency "${slot.spec.key}" (capability ${slot.spec.capability}) has no provider`,
        { capability: slot.spec.capability },
      );
      continue;
    }
    for (const p of order) {
      const name = functionName ?? p.functionName;
      try {
        if (p.agentId === env.selfId()) return await env.callLocal(name, args, ctx);
        const response = await postToolsCall(env.dispatcher, {
          endpoint: p.endpoint,
          functionName: name,
          args,
          timeoutMs,
          headers: { ...slot.spec.headers, ...options?.headers },
          traceId: ctx?.traceId,
          propagated: propagated(ctx, env.propagateHeaders),
        });
        return decodeResponse(response, `${slot.spec.capability}/${name} at ${p.endpoint}`);
      } catch (err) {
        if (!(err instanceof MeshError)) throw err;
        lastError = err;
        if (err.code === ErrorCodes.UNREACHABLE) continue; // next provider, at once
        if (err.code === ErrorCodes.TIMEOUT) break; // retry (if any) after backoff
        throw err;
      }
    }
  }
  throw lastError ?? new MeshError(ErrorCodes.UNREACHABLE, `dependency "${slot.spec.key}" could not be reached`);
}

/** Equal replicas in rotation, then the ranked fall-backs. */
function callOrder(slot: Slot): Provider[] {
  const { providers, equalCount } = slot;
  if (providers.length <= 1) return providers;
  const n = Math.max(1, Math.min(equalCount, providers.length));
  const start = slot.cursor++ % n;
  if (slot.cursor > 1e9) slot.cursor = 0;
  const order: Provider[] = [];
  for (let i = 0; i < n; i++) order.push(providers[(start + i) % n] as Provider);
  for (let i = n; i < providers.length; i++) order.push(providers[i] as Provider);
  return order;
}

function propagated(ctx: ToolContext | undefined, allow: string[]): Record<string, string> {
  if (!ctx || allow.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) {
    if (allow.some((a) => (a.endsWith("*") ? k.startsWith(a.slice(0, -1)) : k === a))) out[k] = v;
  }
  return out;
}

// A provider may say how long its tool takes: `timeout` (seconds) in the kwargs of its
// resolution, e.g. Python's @mesh.tool(timeout=60). The reference proxies wait that long instead
// of their default; a timeout the consumer sets itself still wins. Capped where timers overflow.
function providerTimeoutMs(p: Provider | undefined): number | undefined {
  const seconds = p?.kwargs?.timeout;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds * 1000, 2_147_483_647);
}

export function backoffMs(attempt: number): number {
  const base = Math.min(2000, 100 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wraps a plain function as an injectable dependency (tests' fakes). */
export function fakeTool(
  capability: string,
  fn: (args: ToolArgs, toolName: string | undefined) => unknown,
): McpMeshTool {
  const proxy = (async (args?: ToolArgs) => fn(args ?? {}, undefined)) as McpMeshTool;
  Object.defineProperties(proxy, {
    callTool: { value: async (name: string, args?: ToolArgs) => fn(args ?? {}, name) },
    capability: { value: capability, enumerable: true },
    endpoint: { value: "fake://", enumerable: true },
    functionName: { value: "fake", enumerable: true },
    agentId: { value: "fake", enumerable: true },
  });
  return proxy;
}
