// A mesh hop: one tools/call to a provider's /mcp with the mesh's trace fields and propagated
// headers (PROTOCOL.md §4.1, §6.1), over the one client in ./client (pooling, deadline, SSE,
// error classification live there).
import type { Dispatcher } from "undici";
import { callContext } from "./call-context.js";
import { callToolHttp, type JsonRpcResponse, type ToolNotification } from "./client/tools-call.js";
import { newSpanId } from "./tracing/ids.js";
import { currentSpan } from "./tracing/observer.js";
import { outboundTrace } from "./tracing/propagate.js";

export { createDispatcher } from "./client/tools-call.js";

export interface HttpCall {
  endpoint: string;
  functionName: string;
  args: Record<string, unknown>;
  /** Deadline for this attempt, counting time queued for a connection. */
  timeoutMs: number;
  headers: Record<string, string>;
  traceId: string | undefined;
  propagated: Record<string, string>;
  /** The agent's mesh credential (MCP_MESH_AGENT_TOKEN): sent unless propagated or declared headers set authorization. */
  credential?: string;
  /** Cancels the request (a hedge's loser, a stream's consumer that stopped). */
  signal?: AbortSignal;
  /** For streams: sent as `_meta.progressToken`; notifications go to `onNotification`. */
  progressToken?: string;
  onNotification?: (n: ToolNotification) => void | Promise<void>;
}

/** Resolves with the JSON-RPC response object; throws MeshError(unreachable | timeout | remote_tool_error). */
export async function postToolsCall(dispatcher: Dispatcher, call: HttpCall): Promise<JsonRpcResponse> {
  // Inside a traced inbound call the hop gets its own proxy_call_wrapper span (LLM-WIRE.md §4.1).
  const inbound = callContext.getStore();
  const parent = currentSpan(inbound);
  const wrapper =
    parent && parent.traceId === call.traceId
      ? parent.child(
          "proxy_call_wrapper",
          `tools/call ${call.functionName}`,
          { "mcp.method.name": "tools/call", "gen_ai.tool.name": call.functionName, "server.address": call.endpoint },
          [call.endpoint],
        )
      : undefined;
  const trace = call.traceId
    ? outboundTrace(
        call.traceId,
        wrapper?.id ?? newSpanId(),
        inbound?.traceId === call.traceId ? inbound.traceState : undefined,
      )
    : undefined;
  const args: Record<string, unknown> = { ...call.args, ...trace?.args };
  if (Object.keys(call.propagated).length > 0) args._mesh_headers = call.propagated;
  const headers: Record<string, string> = {
    ...(call.credential && { authorization: `Bearer ${call.credential}` }),
    ...call.propagated,
    ...call.headers,
    ...trace?.headers,
  };
  const sent = callToolHttp(dispatcher, {
    url: `${call.endpoint}/mcp`,
    tool: call.functionName,
    args,
    timeoutMs: call.timeoutMs,
    headers,
    signal: call.signal,
    progressToken: call.progressToken,
    onNotification: call.onNotification,
    meta: trace?.meta,
  });
  if (!wrapper) return sent;
  try {
    const res = await sent;
    wrapper.end({ resultType: "dict", error: res.error ? String(res.error.message ?? "error") : undefined });
    return res;
  } catch (err) {
    wrapper.end({ error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}
