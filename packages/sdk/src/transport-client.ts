// One HTTP tools/call to a provider's /mcp over pooled keep-alive connections (undici), with the
// mesh headers (PROTOCOL.md §4.1, §6.1). Errors are classified so the proxy knows whether the
// next provider should be tried at once (unreachable) or the call has failed (remote error).
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { Agent, type Dispatcher } from "undici";

export function createDispatcher(): Dispatcher {
  return new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 256, pipelining: 1 });
}

export interface HttpCall {
  endpoint: string;
  functionName: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  headers: Record<string, string>;
  traceId: string | undefined;
  propagated: Record<string, string>;
}

const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_ERRORS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ABORT_ERR", "UND_ERR_ABORTED"]);

let nextRpcId = 1;

/** Resolves with the JSON-RPC response object; throws MeshError(unreachable | timeout | remote_tool_error). */
export async function postToolsCall(dispatcher: Dispatcher, call: HttpCall): Promise<unknown> {
  const span = spanId();
  const args: Record<string, unknown> = { ...call.args };
  if (call.traceId) {
    args._trace_id = call.traceId;
    args._parent_span = span;
  }
  if (Object.keys(call.propagated).length > 0) args._mesh_headers = call.propagated;
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: nextRpcId++,
    method: "tools/call",
    params: { name: call.functionName, arguments: args },
  });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "x-mesh-timeout": String(Math.max(1, Math.ceil(call.timeoutMs / 1000))),
    ...call.propagated,
    ...call.headers,
  };
  if (call.traceId) {
    headers["x-trace-id"] = call.traceId;
    headers["x-parent-span"] = span;
  }
  let res: Dispatcher.ResponseData;
  try {
    res = await dispatcher.request({
      origin: call.endpoint,
      path: "/mcp",
      method: "POST",
      headers,
      body,
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (err) {
    throw classify(err, call);
  }
  let text: string;
  try {
    text = await res.body.text();
  } catch (err) {
    throw classify(err, call);
  }
  const where = `${call.functionName} at ${call.endpoint}`;
  if (res.statusCode !== 200) {
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: HTTP ${res.statusCode}: ${text.slice(0, 500)}`, {
      status: res.statusCode,
    });
  }
  const type = String(res.headers["content-type"] ?? "");
  try {
    return type.includes("text/event-stream") ? firstSseAnswer(text) : JSON.parse(text);
  } catch {
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: answer is not JSON-RPC: ${text.slice(0, 200)}`);
  }
}

function classify(err: unknown, call: HttpCall): MeshError {
  if (err instanceof MeshError) return err;
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? "";
  const where = `${call.functionName} at ${call.endpoint}`;
  if (TIMEOUT_ERRORS.has(code) || e.name === "TimeoutError")
    return new MeshError(ErrorCodes.TIMEOUT, `${where}: no answer within ${call.timeoutMs} ms`, {
      endpoint: call.endpoint,
    });
  if (CONNECT_ERRORS.has(code) || /ECONNREFUSED|ECONNRESET|socket/i.test(e.message ?? ""))
    return new MeshError(ErrorCodes.UNREACHABLE, `${where}: ${code || e.message}`, {
      endpoint: call.endpoint,
      cause: code,
    });
  return new MeshError(ErrorCodes.UNREACHABLE, `${where}: ${e.message ?? String(err)}`, { endpoint: call.endpoint });
}

/** meshctl's rule: the first data frame that carries a result or an error. */
function firstSseAnswer(text: string): unknown {
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const data = frame
      .split(/\r?\n/)
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).trimStart())
      .join("\n");
    if (!data) continue;
    const msg = JSON.parse(data) as Record<string, unknown>;
    if ("result" in msg || "error" in msg) return msg;
  }
  throw new Error("no answer in the event stream");
}

/** A 16-hex span id. Not a secret, so no crypto: this runs on every call. */
function spanId(): string {
  const hi = (Math.random() * 0x100000000) >>> 0;
  const lo = (Math.random() * 0x100000000) >>> 0;
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
