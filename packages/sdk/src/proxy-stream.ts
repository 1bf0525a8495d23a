// `dep.stream(args)`: a dependency's tool called as a stream. The same providers, order,
// deadline and retries as a call (./proxy.ts), with one difference: once the first chunk has
// been yielded the stream is committed to its provider (a consumer has seen part of an answer),
// so fail-over happens only before it. No hedging: two streams cannot be merged.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { callContext } from "./call-context.js";
import { decodeResponse } from "./decode-result.js";
import {
  backoffMs,
  deadlineError,
  noProvider,
  type ProxyEnv,
  propagated,
  providerTimeoutMs,
  roundOrder,
  sessionOf,
} from "./proxy.js";
import { openStream, resultText, type StreamSender } from "./stream-session.js";
import { postToolsCall } from "./transport-client.js";
import type { StreamOptions, ToolArgs } from "./types.js";
import type { Provider, Slot } from "./wiring.js";

export async function* streamSlot(
  slot: Slot,
  env: ProxyEnv,
  functionName: string | undefined,
  args: ToolArgs,
  options: StreamOptions | undefined,
): AsyncGenerator<string, void, undefined> {
  const started = performance.now();
  let failed = false;
  try {
    yield* attempts(slot, env, functionName, args, options);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    env.record(slot.spec.capability, failed ? "error" : "ok", (performance.now() - started) / 1000);
  }
}

async function* attempts(
  slot: Slot,
  env: ProxyEnv,
  functionName: string | undefined,
  args: ToolArgs,
  options: StreamOptions | undefined,
): AsyncGenerator<string, void, undefined> {
  const ctx = callContext.getStore();
  const timeoutMs =
    options?.timeout ?? slot.spec.timeoutMs ?? providerTimeoutMs(slot.target.providers[0]) ?? env.defaultTimeoutMs;
  const deadline = performance.now() + timeoutMs;
  const retryOnTimeout = options?.retryOnTimeout ?? slot.spec.retryOnTimeout;
  const attemptMs = options?.attemptTimeout ?? slot.spec.attemptTimeoutMs ?? Math.max(1, Math.floor(timeoutMs / 3));
  const outliers = env.outliers;
  const selfId = env.selfId();
  const sessionId = sessionOf(slot, args, options);
  let lastError: MeshError | undefined;
  const expired = () => deadlineError(slot, timeoutMs, lastError);
  const senderFor = (p: Provider, name: string, remainingMs: number): StreamSender => {
    if (p.agentId === selfId)
      return (token, onNotification, signal) => env.streamLocal(name, args, ctx, token, onNotification, signal);
    return (token, onNotification, signal) =>
      postToolsCall(env.dispatcher, {
        endpoint: p.endpoint,
        functionName: name,
        args,
        timeoutMs: remainingMs,
        headers: { ...slot.spec.headers, ...options?.headers },
        traceId: ctx?.traceId,
        propagated: propagated(ctx, env.propagateHeaders),
        credential: env.agentToken,
        signal,
        progressToken: token,
        onNotification,
      });
  };
  for (let attempt = 0; attempt <= slot.spec.retries; attempt++) {
    if (attempt > 0) {
      const wait = Math.min(backoffMs(attempt), deadline - performance.now());
      if (wait <= 0) throw expired();
      env.count?.("retry", slot.spec.capability);
      await new Promise((r) => setTimeout(r, wait));
    }
    // A session's streams go to its replica, like its calls.
    const { list, live, session: route } = await roundOrder(slot, env, selfId, sessionId, options?.onSessionMoved);
    if (list.length === 0) {
      lastError = noProvider(slot);
      continue;
    }
    let timedOut = false;
    for (let i = 0; i < list.length; i++) {
      const p = list[i] as Provider;
      if (i > 0) env.count?.("failover", slot.spec.capability); // the provider before failed
      const name = functionName ?? p.functionName;
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw lastError?.code === ErrorCodes.TIMEOUT ? lastError : expired();
      const local = p.agentId === selfId;
      // The last live provider keeps the rest of the deadline for its first chunk too.
      const firstChunkMs = retryOnTimeout && i < live - 1 && !local ? Math.min(attemptMs, remaining) : undefined;
      const where = `${slot.spec.capability}/${name} at ${local ? "this agent" : p.endpoint}`;
      if (!local) outliers?.started(p.endpoint);
      const sentAt = performance.now();
      const session = openStream(senderFor(p, name, remaining), where, firstChunkMs, options?.signal);
      let chunks = 0;
      try {
        for (;;) {
          const item = await session.next();
          if (chunks === 0) {
            if (!local) outliers?.success(p.endpoint, performance.now());
            route?.answered(p);
          }
          if ("chunk" in item) {
            chunks++;
            env.count?.("stream_chunk", slot.spec.capability);
            yield item.chunk;
            continue;
          }
          decodeResponse(item.answer, where); // throws the tool's failure as a MeshError
          const text = chunks === 0 ? resultText(item.answer) : "";
          if (text !== "") yield text;
          return;
        }
      } catch (err) {
        if (chunks > 0 || !(err instanceof MeshError)) throw err;
        const code = err.code;
        if (!local && code === ErrorCodes.UNREACHABLE) outliers?.failure(p.endpoint, performance.now());
        if (!local && code === ErrorCodes.TIMEOUT) outliers?.failure(p.endpoint, performance.now(), sentAt);
        lastError = err;
        if (code === ErrorCodes.UNREACHABLE) continue; // next provider, at once
        if (code === ErrorCodes.TIMEOUT) {
          timedOut = true;
          if (retryOnTimeout) continue;
          break;
        }
        throw err;
      } finally {
        session.close();
        if (!local) outliers?.finished(p.endpoint);
      }
    }
    if (timedOut && performance.now() >= deadline) break;
  }
  throw lastError ?? new MeshError(ErrorCodes.UNREACHABLE, `dependency "${slot.spec.key}" could not be reached`);
}
