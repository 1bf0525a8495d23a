// The agent's MCP endpoint. One McpServer (official SDK) is built and connected ONCE, to a
// multiplexing transport: every HTTP request injects its JSON-RPC message and waits for the
// response with its id. Building a server per request (the SDK's documented stateless shape)
// costs ~1 ms of CPU per call; this keeps per-request work to parsing, validation and the
// handler while the SDK still does all MCP semantics (tools/list, validation, errors).
//
// Callers' ids collide (meshctl always sends id 1), so each inbound request gets an internal id
// and the caller's id is restored on the way out. The internal id also keys the per-call
// context (trace ids, propagated headers) the SDK cannot carry for us, and the caller's stream:
// what the server sends while a request runs (log and progress notifications, sampling or
// elicitation requests) goes to that request's HTTP response, as SSE, when the caller accepts it.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { matchesHeaderRule } from "@mcp-mesh/protocol";
import type {
  CallToolResult,
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/server";
import type { LogLevel, ToolContext } from "./types.js";

type Json = Record<string, unknown>;
type Pending = (message: Json) => void;
/**
 * Takes a message the server sends while one request runs (a notification, or a request to the
 * client); false when it cannot reach the caller (no SSE accepted, or the caller went away).
 */
export type RequestStream = (message: Json) => boolean;

/** Keys callers add to `arguments` for tracing (PROTOCOL.md §6.1); never reach user code. */
const RESERVED_ARGS = ["_trace_id", "_parent_span", "_mesh_headers"] as const;

class MultiplexTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, RequestStream>();
  /** The internal id of the request being handled, for messages sent without relatedRequestId. */
  private readonly current = new AsyncLocalStorage<number>();

  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as Json;
    if (!("method" in m)) {
      // The answer to an inbound request.
      const id = m.id;
      if (typeof id !== "number") return;
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      this.streams.delete(id);
      waiter(m);
      return;
    }
    // Sent while a request runs: to that request's caller, when it can take it.
    const related = typeof options?.relatedRequestId === "number" ? options.relatedRequestId : this.current.getStore();
    const stream = related === undefined ? undefined : this.streams.get(related);
    if (stream?.(m)) return;
    // A notification nobody can receive is dropped; a request must fail now, not time out.
    if ("id" in m)
      throw new Error(
        `cannot send ${String(m.method)} to the caller: only a caller that accepts text/event-stream can receive requests during a call`,
      );
  }
  deliver(message: Json, internalId: number, onResponse: Pending, stream?: RequestStream): void {
    this.pending.set(internalId, onResponse);
    if (stream) this.streams.set(internalId, stream);
    this.current.run(internalId, () => this.onmessage?.(message as JSONRPCMessage));
  }
  /** Notifications, and callers' answers to the server's own requests (sampling, elicitation). */
  deliverOther(message: Json): void {
    this.onmessage?.(message as JSONRPCMessage);
  }
}

export type ToolInvoker = (name: string, args: Json, ctx: ToolContext) => Promise<CallToolResult>;

export class McpEndpoint {
  readonly server: McpServer;
  private readonly transport = new MultiplexTransport();
  private readonly contexts = new Map<number, ToolContext>();
  private nextId = 1;

  /** Header names (or `prefix*`) taken from inbound calls into ctx.headers (MCP_MESH_PROPAGATE_HEADERS). */
  propagate: string[] = [];

  constructor(info: { name: string; version: string }) {
    this.server = new McpServer(
      { name: info.name, version: info.version },
      { capabilities: { tools: {}, logging: {} } },
    );
    // Stateless: there is no session for a log level to belong to. One level stored on the shared
    // server would apply to every caller, so the level is accepted and not kept, as in the
    // official SDK's stateless servers (a server per request); each call's messages go to its
    // own caller.
    this.server.server.setRequestHandler("logging/setLevel", () => ({}));
  }

  /** Registers a tool on the one server; the SDK validates `input` before `run` is called. */
  addTool(
    name: string,
    config: { description: string; input: unknown; output: unknown },
    run: (args: Json, ctx: ToolContext) => Promise<CallToolResult>,
  ): void {
    const contexts = this.contexts;
    this.server.registerTool(
      name,
      {
        description: config.description,
        inputSchema: config.input as never,
        ...(config.output !== undefined && { outputSchema: config.output as never }),
      },
      (async (args: Json, sdkCtx: SdkContext) => {
        const base = contexts.get(sdkCtx.mcpReq.id as number) ?? newContext(undefined, undefined, {});
        return run(args ?? {}, withCaller(base, sdkCtx));
      }) as never,
    );
  }

  async connect(): Promise<void> {
    await this.server.connect(this.transport);
  }

  /**
   * Handles one JSON-RPC message (already parsed). Resolves with the response, or null for
   * notifications and posted responses (HTTP 202).
   */
  handle(
    message: unknown,
    headers: Record<string, string | string[] | undefined>,
    stream?: RequestStream,
  ): Promise<Json | null> {
    if (!isObject(message) || message.jsonrpc !== "2.0") {
      return Promise.resolve(rpcError(idOf(message), -32600, "Invalid Request: expected a JSON-RPC 2.0 object"));
    }
    if (typeof message.method !== "string") {
      // The caller's answer to a request the server sent it (sampling, elicitation); junk otherwise.
      if (typeof message.id === "number" && ("result" in message || "error" in message))
        this.transport.deliverOther(message);
      return Promise.resolve(null);
    }
    if (!("id" in message) || message.id === null || message.id === undefined) {
      // A cancellation names the caller's request id, which any caller may use (meshctl always
      // sends 1) and which is not the id the server knows the request by: forwarded, it would
      // cancel whichever request holds that internal id, possibly another caller's, whose answer
      // would then never come. Stateless, it cannot be mapped, so it is ignored (allowed by MCP).
      if (message.method !== "notifications/cancelled") this.transport.deliverOther(message);
      return Promise.resolve(null);
    }
    const callerId = message.id;
    if (typeof callerId !== "string" && typeof callerId !== "number")
      return Promise.resolve(rpcError(null, -32600, "Invalid Request: id must be a string or a number"));
    const internalId = this.nextId++;
    if (this.nextId > 2 ** 52) this.nextId = 1;
    let inbound: Json = { ...message, id: internalId };
    if (message.method === "tools/call" && isObject(message.params)) {
      const { params, ctx } = stripReserved(message.params, headers, this.propagate);
      inbound = { ...inbound, params };
      this.contexts.set(internalId, ctx);
    }
    return new Promise((resolve) => {
      this.transport.deliver(
        inbound,
        internalId,
        (response) => {
          this.contexts.delete(internalId);
          resolve({ ...response, id: callerId });
        },
        stream,
      );
    });
  }

  /** In-process tools/call through the same server (same validation as over HTTP). */
  async callLocal(name: string, args: Json, ctx: ToolContext): Promise<Json> {
    const internalId = this.nextId++;
    this.contexts.set(internalId, ctx);
    return new Promise((resolve) => {
      this.transport.deliver(
        { jsonrpc: "2.0", id: internalId, method: "tools/call", params: { name, arguments: args } },
        internalId,
        (response) => {
          this.contexts.delete(internalId);
          resolve(response);
        },
      );
    });
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

/** The part of the official SDK's handler context a mesh tool's ctx is built from. */
interface SdkContext {
  mcpReq: {
    id: unknown;
    _meta?: { progressToken?: string | number };
    log(level: LogLevel, data: unknown, logger?: string): Promise<void>;
    notify(notification: { method: string; params: Json }): Promise<void>;
  };
}

/** The call's context with log and progress going to this call's caller. */
function withCaller(base: ToolContext, sdkCtx: SdkContext): ToolContext {
  const req = sdkCtx.mcpReq;
  return {
    ...base,
    log: (level, data, logger) => req.log(level, data, logger),
    progress: async (progress, total, message) => {
      const progressToken = req._meta?.progressToken;
      if (progressToken === undefined) return;
      await req.notify({
        method: "notifications/progress",
        params: {
          progressToken,
          progress,
          ...(total !== undefined && { total }),
          ...(message !== undefined && { message }),
        },
      });
    },
  };
}

function stripReserved(params: Json, headers: Record<string, string | string[] | undefined>, allow: string[]) {
  const args = isObject(params.arguments) ? { ...params.arguments } : {};
  const traceArg = args._trace_id;
  const spanArg = args._parent_span;
  const meshHeaders = isObject(args._mesh_headers) ? args._mesh_headers : {};
  for (const k of RESERVED_ARGS) delete args[k];
  const h = (name: string) => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const propagated: Record<string, string> = {};
  // Allow-listed HTTP headers first; `_mesh_headers` (what TS callers also send) wins.
  if (allow.length > 0)
    for (const [k, v] of Object.entries(headers))
      if (typeof v === "string" && matchesHeaderRule(k, allow)) propagated[k] = v;
  for (const [k, v] of Object.entries(meshHeaders)) if (typeof v === "string") propagated[k.toLowerCase()] = v;
  const ctx = newContext(
    h("x-trace-id") ?? (typeof traceArg === "string" ? traceArg : undefined),
    h("x-parent-span") ?? h("x-parent-span-id") ?? (typeof spanArg === "string" ? spanArg : undefined),
    propagated,
  );
  return { params: { ...params, arguments: args }, ctx };
}

export function newContext(
  traceId: string | undefined,
  parentSpan: string | undefined,
  headers: Record<string, string>,
): ToolContext {
  return {
    traceId: traceId && /^[0-9a-f]{32}$/i.test(traceId) ? traceId.toLowerCase() : randomUUID().replaceAll("-", ""),
    parentSpan,
    headers,
    signal: undefined,
    log: noCaller,
    progress: noCaller,
  } satisfies ToolContext;
}

/** log/progress where no caller can receive them (in-process calls). */
async function noCaller(): Promise<void> {}

export function rpcError(id: unknown, code: number, message: string): Json {
  return { jsonrpc: "2.0", id: id ?? null, error: { code, message } };
}

function idOf(m: unknown): unknown {
  return isObject(m) && (typeof m.id === "string" || typeof m.id === "number") ? m.id : null;
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
