// One MCP tools/call over streamable HTTP, as PROTOCOL.md §4.1 has meshctl send it: no
// initialize, no session, Accept both JSON and SSE; the answer may come either way.
import { randomBytes } from "node:crypto";
import { ErrorCodes, MeshError } from "./errors.js";
import { describeNetworkError } from "./registry-client.js";

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string; mimeType?: string; data?: string; [k: string]: unknown }>;
  structuredContent?: unknown;
  isError?: boolean;
  [k: string]: unknown;
}

export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: number | string | null;
  result?: ToolResult;
  error?: JsonRpcError;
}

export interface CallRequest {
  /** Full URL of the /mcp endpoint (through the registry proxy or direct). */
  url: string;
  tool: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  headers?: Record<string, string>;
  traceId?: string;
}

export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

export async function callTool(req: CallRequest): Promise<JsonRpcResponse> {
  const id = 1;
  const args = req.traceId ? { ...req.args, _trace_id: req.traceId } : req.args;
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: "POST",
      headers: {
        ...req.headers,
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-mesh-timeout": String(Math.ceil(req.timeoutMs / 1000)),
        ...(req.traceId ? { "x-trace-id": req.traceId } : {}),
      },
      body: JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name: req.tool, arguments: args } }),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (e) {
    throw transportError(req, e);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw transportError(req, e);
  }
  const type = res.headers.get("content-type") ?? "";
  const message = type.includes("text/event-stream") ? fromSse(text, id) : parseJson(text);
  if (message && (message.result !== undefined || message.error !== undefined)) return message;
  throw new MeshError(ErrorCodes.UNREACHABLE, `${req.url} answered ${res.status}: ${httpErrorText(text)}`, {
    status: res.status,
  });
}

function transportError(req: CallRequest, e: unknown): MeshError {
  const name = (e as { name?: string })?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new MeshError(
      ErrorCodes.TIMEOUT,
      `tool '${req.tool}' did not answer within ${req.timeoutMs / 1000} s: raise --timeout if it is slow`,
    );
  }
  return new MeshError(ErrorCodes.UNREACHABLE, `cannot reach ${req.url} (${describeNetworkError(e)})`);
}

/** The JSON-RPC answer with our id among the SSE `data:` events (others are notifications). */
export function fromSse(text: string, id: number | string): JsonRpcResponse | undefined {
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(5).replace(/^ /, ""))
      .join("\n");
    const msg = data ? parseJson(data) : undefined;
    if (msg && msg.id === id) return msg;
  }
  return undefined;
}

function parseJson(text: string): JsonRpcResponse | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonRpcResponse) : undefined;
  } catch {
    return undefined;
  }
}

/** The registry proxy answers errors as {"error": "..."}; agents may answer plain text. */
function httpErrorText(text: string): string {
  try {
    const v = JSON.parse(text) as { error?: unknown };
    if (typeof v.error === "string") return v.error;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || "(empty body)";
}
