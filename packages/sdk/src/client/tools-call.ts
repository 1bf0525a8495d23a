// One MCP tools/call over streamable HTTP (PROTOCOL.md §4.1): no initialize, no session, Accept
// both JSON and SSE. Used by dependency proxies, `meshctl call` and (later) the LLM loop and a
// gateway. The timeout is a deadline for the whole exchange, from the moment the call is made:
// time spent queued for a pooled connection counts, which undici's own timeouts do not.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { Agent, type Dispatcher } from "undici";
import { classifyError, httpStatusError } from "./classify.js";
import { createSseParser } from "./sse.js";
import type { DispatcherOptions, JsonRpcResponse, ToolCallRequest, ToolNotification } from "./types.js";

export type {
  DispatcherOptions,
  JsonRpcError,
  JsonRpcResponse,
  ToolCallRequest,
  ToolNotification,
  ToolResult,
} from "./types.js";

/** A pooled keep-alive HTTP dispatcher for tool calls; one per process (or agent) is enough. */
export function createDispatcher(opts: DispatcherOptions = {}): Dispatcher {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connections: opts.connections ?? 256,
    pipelining: 1,
    ...(opts.tls && { connect: { ...opts.tls } }),
  });
}

let nextRpcId = 1;

/** Resolves with the JSON-RPC answer; throws MeshError(unreachable | timeout | remote_tool_error). */
export async function callToolHttp(dispatcher: Dispatcher, req: ToolCallRequest): Promise<JsonRpcResponse> {
  const id = nextRpcId++;
  const where = `${req.tool} at ${originOf(req.url)}`;
  const params: Record<string, unknown> = { name: req.tool, arguments: req.args };
  if (req.progressToken !== undefined || req.meta)
    params._meta = { ...req.meta, ...(req.progressToken !== undefined && { progressToken: req.progressToken }) };
  const body = JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params });
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "x-mesh-timeout": String(Math.max(1, Math.ceil(req.timeoutMs / 1000))),
    ...req.headers,
  };
  const timeoutMs = Math.max(1, req.timeoutMs);
  const abort = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // undici applies an abort to a queued request only once it gets a connection, so the deadline
  // is a race of its own: the caller hears of it on time, and the queued request is dropped.
  let cancel: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
      reject(new Error("deadline"));
    }, timeoutMs);
    cancel = () => {
      abort.abort();
      reject(new MeshError(ErrorCodes.CANCELLED, `${where}: cancelled by the caller`));
    };
  });
  if (req.signal?.aborted) cancel?.();
  req.signal?.addEventListener("abort", cancel as () => void, { once: true });
  const exchange = exchangeOnce(dispatcher, req, id, body, headers, timeoutMs, abort.signal, where);
  exchange.catch(() => {}); // lost the race: its own failure is of no interest
  try {
    return await Promise.race([exchange, deadline]);
  } catch (err) {
    throw classifyError(err, where, timeoutMs, timedOut);
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener("abort", cancel as () => void);
  }
}

async function exchangeOnce(
  dispatcher: Dispatcher,
  req: ToolCallRequest,
  id: number,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal: AbortSignal,
  where: string,
): Promise<JsonRpcResponse> {
  const url = new URL(req.url);
  const res = await dispatcher.request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: "POST",
    headers,
    body,
    signal,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const type = String(res.headers["content-type"] ?? "");
  if (type.includes("text/event-stream")) {
    const answer = await readSse(res.body, id, req, where);
    if (answer) return answer;
    // The tool may have run (a crash mid-call, a proxy's time budget): not safe to repeat.
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: the event stream ended without an answer`);
  }
  const text = await readText(res.body, req.maxBytes, where);
  const answer = parseMessage(text);
  if (isAnswer(answer)) return answer;
  if (res.statusCode === 200)
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: answer is not JSON-RPC: ${text.slice(0, 200)}`);
  throw httpStatusError(res.statusCode, text, where);
}

async function readText(body: Dispatcher.ResponseData["body"], maxBytes = MAX_BYTES, where = ""): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: answer larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const MAX_BYTES = 32 * 1024 * 1024;

/** Reads events until the answer with our id; notifications go to the callback on the way. */
async function readSse(
  body: Dispatcher.ResponseData["body"],
  id: number,
  req: ToolCallRequest,
  where: string,
): Promise<JsonRpcResponse | undefined> {
  let answer: JsonRpcResponse | undefined;
  // Callbacks that return a promise hold the reading (and, through TCP, the tool) until it settles.
  const waits: Promise<void>[] = [];
  const parser = createSseParser((data) => {
    const msg = parseMessage(data);
    if (!msg || answer) return;
    if (msg.id === id && isAnswer(msg)) answer = msg;
    else if (typeof (msg as { method?: unknown }).method === "string" && msg.id === undefined) {
      const wait = deliver(req, msg as unknown as ToolNotification);
      if (wait) waits.push(wait);
    }
  }, req.maxBytes ?? MAX_BYTES);
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      parser.push(decoder.decode(chunk, { stream: true }));
      if (answer) break;
      if (waits.length > 0) await Promise.all(waits.splice(0));
    }
    if (!answer) parser.end();
  } catch (err) {
    if (err instanceof Error && /larger than|longer than/.test(err.message))
      throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${where}: ${err.message}`);
    throw err;
  } finally {
    if (answer) body.destroy();
  }
  return answer;
}

function deliver(req: ToolCallRequest, msg: ToolNotification): Promise<void> | undefined {
  if (!req.onNotification) return;
  const params = msg.params && typeof msg.params === "object" ? msg.params : {};
  try {
    const wait = req.onNotification({ method: msg.method, params });
    // a display callback that fails must not fail the call
    return wait ? wait.catch(() => {}) : undefined;
  } catch {
    return undefined;
  }
}

function parseMessage(text: string): JsonRpcResponse | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as JsonRpcResponse) : undefined;
  } catch {
    return undefined;
  }
}

function originOf(url: string): string {
  const m = /^https?:\/\/[^/]+/.exec(url);
  return m ? m[0] : url;
}

/** A JSON-RPC answer, not some other JSON (a gateway's {"error": "text"} is not one). */
function isAnswer(m: JsonRpcResponse | undefined): m is JsonRpcResponse {
  if (!m) return false;
  if (m.result !== undefined) return true;
  return typeof m.error === "object" && m.error !== null;
}
