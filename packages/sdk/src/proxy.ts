// The callable injected for a dependency. Calls rotate over the primary and its equal replicas;
// a provider that cannot be reached (connection refused/reset) is skipped at once for the next
// one, so a dead replica costs no failed call while another is alive. One deadline covers the
// whole call (queueing, attempts, backoff). A timed-out call moves on to the next provider only
// when the dependency (or the call) says it is safe to repeat (`retryOnTimeout`), or is sent to
// a second provider after `hedgeAfter` ms (./hedge.ts). Providers that keep timing out or
// refusing are ejected for a while (./outlier.ts) and tried last (./provider-order.ts).
import { ErrorCodes, MeshError, matchesHeaderRule } from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import { callContext } from "./call-context.js";
import type { JsonRpcResponse, ToolNotification } from "./client/tools-call.js";
import { decodeResponse } from "./decode-result.js";
import { hedge } from "./hedge.js";
import type { DependencyEvent } from "./metrics.js";
import type { OutlierTracker } from "./outlier.js";
import { checkOutput } from "./output-check.js";
import { providerOrder } from "./provider-order.js";
import { streamSlot } from "./proxy-stream.js";
import type { SessionRoute, SessionRouter } from "./session/index.js";
import { postToolsCall } from "./transport-client.js";
import type { CallOptions, McpMeshTool, SessionMove, StreamOptions, ToolArgs, ToolContext } from "./types.js";
import type { Provider, Slot } from "./wiring.js";

export interface ProxyEnv {
  dispatcher: Dispatcher;
  /** This agent's id: a provider with the same id is called in-process. */
  selfId: () => string;
  callLocal: (functionName: string, args: ToolArgs, ctx: ToolContext | undefined) => Promise<unknown>;
  /** A stream from a tool of this agent, in-process: resolves with the JSON-RPC answer. */
  streamLocal: (
    functionName: string,
    args: ToolArgs,
    ctx: ToolContext | undefined,
    progressToken: string,
    onNotification: (n: ToolNotification) => void | Promise<void>,
    signal: AbortSignal,
  ) => Promise<JsonRpcResponse>;
  defaultTimeoutMs: number;
  propagateHeaders: string[];
  /** MCP_MESH_AGENT_TOKEN, sent to resolved providers. */
  agentToken?: string;
  record: (capability: string, outcome: "ok" | "error", seconds: number) => void;
  /** Fail-overs, retries, hedges and stream chunks, for the metrics; absent: not counted. */
  count?: (event: DependencyEvent, capability: string) => void;
  /** Shared by the agent's proxies; absent: no ejection. */
  outliers?: OutlierTracker;
  /** Session affinity (./session/), made on the first session call. */
  sessions?: () => SessionRouter;
}

export function createProxy(slot: Slot, env: ProxyEnv): McpMeshTool {
  const call = (functionName: string | undefined, args: ToolArgs | undefined, options: CallOptions | undefined) =>
    callSlot(slot, env, functionName, args ?? {}, options);
  const proxy = ((args?: ToolArgs, options?: CallOptions) => call(undefined, args, options)) as McpMeshTool;
  Object.defineProperties(proxy, {
    callTool: { value: (name: string, args?: ToolArgs, options?: CallOptions) => call(name, args, options) },
    stream: {
      value: (args?: ToolArgs, options?: StreamOptions) => streamSlot(slot, env, undefined, args ?? {}, options),
    },
    streamTool: {
      value: (name: string, args?: ToolArgs, options?: StreamOptions) =>
        streamSlot(slot, env, name, args ?? {}, options),
    },
    capability: { get: () => slot.spec.capability, enumerable: true },
    endpoint: { get: () => slot.target.providers[0]?.endpoint ?? "", enumerable: true },
    functionName: { get: () => slot.target.providers[0]?.functionName ?? "", enumerable: true },
    agentId: { get: () => slot.target.providers[0]?.agentId ?? "", enumerable: true },
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
    // The declared output describes the dependency's own tool, not others reached by callTool.
    const out = functionName === undefined ? checkOutput(slot.spec, value) : value;
    env.record(slot.spec.capability, "ok", (performance.now() - started) / 1000);
    return out;
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
    options?.timeout ?? slot.spec.timeoutMs ?? providerTimeoutMs(slot.target.providers[0]) ?? env.defaultTimeoutMs;
  const deadline = performance.now() + timeoutMs;
  const retryOnTimeout = options?.retryOnTimeout ?? slot.spec.retryOnTimeout;
  const sessionId = sessionOf(slot, args, options);
  // A session belongs to one replica: hedging would run its call on a second one.
  const hedgeAfter = sessionId === undefined ? (options?.hedgeAfter ?? slot.spec.hedgeAfterMs) : undefined;
  const attemptMs = retryOnTimeout
    ? (options?.attemptTimeout ?? slot.spec.attemptTimeoutMs ?? Math.max(1, Math.floor(timeoutMs / 3)))
    : timeoutMs;
  const outliers = env.outliers;
  const selfId = env.selfId();
  let lastError: MeshError | undefined;
  const expired = () => deadlineError(slot, timeoutMs, lastError);
  /**
   * One request to one provider, with the ejection bookkeeping; resolves to the decoded value.
   * The last live provider of the round gets the rest of the deadline (see below).
   */
  const sendTo = async (p: Provider, last: boolean, signal?: AbortSignal): Promise<unknown> => {
    const name = functionName ?? p.functionName;
    outliers?.started(p.endpoint);
    const sentAt = performance.now();
    try {
      const response = await postToolsCall(env.dispatcher, {
        endpoint: p.endpoint,
        functionName: name,
        args,
        timeoutMs: last ? deadline - sentAt : Math.min(attemptMs, deadline - sentAt),
        headers: { ...slot.spec.headers, ...options?.headers },
        traceId: ctx?.traceId,
        propagated: propagated(ctx, env.propagateHeaders),
        credential: env.agentToken,
        signal,
      });
      outliers?.success(p.endpoint, performance.now()); // it answered, even with an error
      return decodeResponse(response, `${slot.spec.capability}/${name} at ${p.endpoint}`);
    } catch (err) {
      const code = (err as MeshError).code;
      if (code === ErrorCodes.UNREACHABLE) outliers?.failure(p.endpoint, performance.now());
      if (code === ErrorCodes.TIMEOUT) outliers?.failure(p.endpoint, performance.now(), sentAt);
      throw err;
    } finally {
      outliers?.finished(p.endpoint);
    }
  };
  const count = (event: DependencyEvent) => env.count?.(event, slot.spec.capability);
  for (let attempt = 0; attempt <= slot.spec.retries; attempt++) {
    if (attempt > 0) {
      const wait = Math.min(backoffMs(attempt), deadline - performance.now());
      if (wait <= 0) throw expired();
      count("retry");
      await sleep(wait);
    }
    // One read of the slot's target: a re-wiring during this call is seen by the next one.
    const { list, live, session } = await roundOrder(slot, env, selfId, sessionId, options?.onSessionMoved);
    if (list.length === 0) {
      lastError = noProvider(slot);
      continue;
    }
    let timedOut = false;
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Provider;
      if (i > 0) count("failover"); // the provider before failed or timed out
      if (p.agentId === selfId) {
        const value = await env.callLocal(functionName ?? p.functionName, args, ctx);
        session?.answered(p);
        return value;
      }
      if (deadline - performance.now() <= 0) throw lastError?.code === ErrorCodes.TIMEOUT ? lastError : expired();
      const backup = hedgeAfter !== undefined && i + 1 < live ? list[i + 1] : undefined; // never an ejected one
      // The last live provider keeps the rest of the deadline: giving up on it for an ejected one
      // (or for nobody) would turn a slow answer into a failure.
      const last = i >= live - 1;
      try {
        if (!backup || backup.agentId === selfId) {
          const value = await sendTo(p, last);
          session?.answered(p);
          return value;
        }
        const out = await hedge(
          (signal) => sendTo(p, false, signal),
          (signal) => {
            count("hedge"); // called only when the first provider is slow
            return sendTo(backup, i + 1 >= live - 1, signal);
          },
          hedgeAfter as number,
          isAnswer,
        );
        if (out.ok) return out.value;
        if (out.hedged) i++; // the backup was tried too
        throw out.error;
      } catch (err) {
        if (!(err instanceof MeshError)) throw err;
        lastError = err;
        if (err.code === ErrorCodes.UNREACHABLE) continue; // next provider, at once
        if (err.code === ErrorCodes.TIMEOUT) {
          timedOut = true;
          if (retryOnTimeout) continue; // repeatable: the next provider gets the rest of the deadline
          break; // retry (if any) after backoff
        }
        throw err;
      }
    }
    if (timedOut && performance.now() >= deadline) break;
  }
  throw lastError ?? new MeshError(ErrorCodes.UNREACHABLE, `dependency "${slot.spec.key}" could not be reached`);
}

/**
 * The providers one round of a call or stream tries, in order (./provider-order.ts), with the
 * session's replica first when the call carries a session (./session/); `session.answered`
 * records which replica served it.
 */
export async function roundOrder(
  slot: Slot,
  env: ProxyEnv,
  selfId: string,
  sessionId: string | undefined,
  onSessionMoved: ((move: SessionMove) => void) | undefined,
): Promise<{ list: readonly Provider[]; live: number; session: SessionRoute | undefined }> {
  const { order, live } = providerOrder(slot, env.outliers, selfId);
  if (sessionId === undefined || order.length === 0 || !env.sessions) return { list: order, live, session: undefined };
  const session = await env.sessions().route(slot, sessionId, order, live, (move) => {
    slot.spec.onSessionMoved?.(move);
    onSessionMoved?.(move);
  });
  return { list: session.order, live: session.live, session };
}

/** The session a call belongs to: given in the options, else its `session_id` argument when the dependency is session-bound. */
export function sessionOf(
  slot: Slot,
  args: ToolArgs,
  options: { sessionId?: string | undefined } | undefined,
): string | undefined {
  return options?.sessionId ?? (slot.spec.session ? sessionArg(args) : undefined);
}

/** A call or stream that ran out of its deadline; names the last failure seen. */
export function deadlineError(slot: Slot, timeoutMs: number, lastError: MeshError | undefined): MeshError {
  return new MeshError(
    ErrorCodes.TIMEOUT,
    `dependency "${slot.spec.key}" (capability ${slot.spec.capability}): no answer within ${timeoutMs} ms${lastError ? ` (last: ${lastError.message})` : ""}`,
    { capability: slot.spec.capability, timeoutMs },
  );
}

/** The reference convention: a string `session_id` tool argument names the session. */
export function sessionArg(args: ToolArgs): string | undefined {
  const id = args.session_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** An error that is the provider's answer (the tool failed), not a failure to get one. */
function isAnswer(err: unknown): boolean {
  const code = (err as MeshError).code;
  return code !== ErrorCodes.TIMEOUT && code !== ErrorCodes.UNREACHABLE && code !== ErrorCodes.CANCELLED;
}

export function propagated(ctx: ToolContext | undefined, allow: string[]): Record<string, string> {
  if (!ctx || allow.length === 0) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.headers)) if (matchesHeaderRule(k, allow)) out[k] = v;
  return out;
}

// A provider may say how long its tool takes: `timeout` (seconds) in the kwargs of its
// resolution, e.g. Python's @mesh.tool(timeout=60). The reference proxies wait that long instead
// of their default; a timeout the consumer sets itself still wins. Capped where timers overflow.
export function providerTimeoutMs(p: Provider | undefined): number | undefined {
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

/** What a call or stream fails with while its dependency has no provider at all. */
export function noProvider(slot: Slot): MeshError {
  return new MeshError(
    ErrorCodes.DEPENDENCY_UNAVAILABLE,
    `dependency "${slot.spec.key}" (capability ${slot.spec.capability}) has no provider`,
    { capability: slot.spec.capability },
  );
}
