// A mesh hop: one tools/call to a provider's /mcp with the mesh's trace fields and propagated
// headers (PROTOCOL.md §4.1, §6.1), over the one client in ./client (pooling, deadline, SSE,
// error classification live there).
import type { Dispatcher } from "undici";
import { callToolHttp, type JsonRpcResponse, type ToolNotification } from "./client/tools-call.js";

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
export function postToolsCall(dispatcher: Dispatcher, call: HttpCall): Promise<JsonRpcResponse> {
  const span = call.traceId ? spanId() : undefined;
  const args: Record<string, unknown> = { ...call.args };
  if (call.traceId) {
    args._trace_id = call.traceId;
    args._parent_span = span;
  }
  if (Object.keys(call.propagated).length > 0) args._mesh_headers = call.propagated;
  const headers: Record<string, string> = {
    ...(call.credential && { authorization: `Bearer ${call.credential}` }),
    ...call.propagated,
    ...call.headers,
  };
  if (call.traceId && span) {
    headers["x-trace-id"] = call.traceId;
    headers["x-parent-span"] = span;
  }
  return callToolHttp(dispatcher, {
    url: `${call.endpoint}/mcp`,
    tool: call.functionName,
    args,
    timeoutMs: call.timeoutMs,
    headers,
    signal: call.signal,
    progressToken: call.progressToken,
    onNotification: call.onNotification,
  });
}

/** A 16-hex span id. Not a secret, so no crypto: this runs on every call. */
function spanId(): string {
  const hi = (Math.random() * 0x100000000) >>> 0;
  const lo = (Math.random() * 0x100000000) >>> 0;
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
