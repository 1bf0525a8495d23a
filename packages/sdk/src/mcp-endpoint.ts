// The agent's MCP endpoint. One McpServer (official SDK) is built and connected ONCE, to a
// multiplexing transport: every HTTP request injects its JSON-RPC message and waits for the
// response with its id. Building a server per request (the SDK's documented stateless shape)
// costs ~1 ms of CPU per call; this keeps per-request work to parsing, validation and the
// handler while the SDK still does all MCP semantics (tools/list, validation, errors).
//
// Callers' ids collide (meshctl always sends id 1), so each inbound request gets an internal id
// and the caller's id is restored on the way out. The internal id keys the call's one record
// (call-context.ts): its answer, its caller's stream and its mesh context. What the server sends
// while a request runs (log and progress notifications, sampling or elicitation requests) goes to
// that request's HTTP response, as SSE, when the caller accepts it. A record lives exactly as
// long as its request: answered, or abandoned when the caller goes away.

import { ErrorCodes, MeshError, RpcErrorCodes } from "@mcp-mesh/protocol";
import type {
  CallToolResult,
  JSONRPCMessage,
  MessageExtraInfo,
  Transport,
  TransportSendOptions,
} from "@modelcontextprotocol/server";
import { McpServer } from "@modelcontextprotocol/server";
import type { AuthIdentity } from "./auth/inbound.js";
import { currentCall, type InboundCall, type RequestStream, runInCall } from "./call-context.js";
import { classify, type Json, rpcError } from "./jsonrpc.js";
import { type Headers, newContext, type SdkContext, stripReserved, withCaller } from "./tool-context.js";
import type { ToolContext } from "./types.js";

export type { RequestStream } from "./call-context.js";
export { newContext } from "./tool-context.js";

class MultiplexTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  /** Calls in flight, by internal id. */
  readonly calls = new Map<number, InboundCall>();

  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as Json;
    if (!("method" in m)) {
      // The answer to an inbound request.
      const call = typeof m.id === "number" ? this.calls.get(m.id) : undefined;
      if (!call) return;
      this.calls.delete(call.id);
      call.answer(m);
      return;
    }
    // Sent while a request runs: to that request's caller, when it can take it.
    const related = typeof options?.relatedRequestId === "number" ? options.relatedRequestId : currentCall()?.id;
    const stream = related === undefined ? undefined : this.calls.get(related)?.stream;
    if (stream?.(m)) return;
    // A notification nobody can receive is dropped; a request must fail now, not time out.
    if ("id" in m)
      throw new Error(
        `cannot send ${String(m.method)} to the caller: only a caller that accepts text/event-stream can receive requests during a call`,
      );
  }
  deliver(message: Json, call: InboundCall): void {
    this.calls.set(call.id, call);
    try {
      runInCall(call, () => this.onmessage?.(message as JSONRPCMessage));
    } catch {
      // The server classifies and dispatches asynchronously; a synchronous throw still answers.
      if (this.calls.delete(call.id)) call.answer(rpcError(call.id, RpcErrorCodes.INTERNAL_ERROR, "Internal error"));
    }
  }
  /** The caller went away: forget the call and let the server abort its handler. */
  abandon(id: number): void {
    if (!this.calls.delete(id)) return;
    this.onmessage?.({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: id, reason: "the caller went away" },
    } as JSONRPCMessage);
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
  private nextId = 1;

  /** Header names (or `prefix*`) taken from inbound calls into ctx.headers (MCP_MESH_PROPAGATE_HEADERS). */
  propagate: string[] = [];

  constructor(info: { name: string; version: string }) {
    // Stateless: no standalone GET stream, so no list-changed notification can ever reach a
    // client. Advertise listChanged: false (the SDK defaults it to true when a tool is added).
    this.server = new McpServer(
      { name: info.name, version: info.version },
      { capabilities: { tools: { listChanged: false }, logging: {} } },
    );
    // Stateless: there is no session for a log level to belong to. One level stored on the shared
    // server would apply to every caller, so the level is accepted and not kept, as in the
    // official SDK's stateless servers (a server per request); each call's messages go to its
    // own caller.
    this.server.server.setRequestHandler("logging/setLevel", () => ({}));
  }

  /** Calls in flight right now (each holds its request until answered or abandoned). */
  get inFlight(): number {
    return this.transport.calls.size;
  }

  /** Registers a tool on the one server; the SDK validates `input` before `run` is called. */
  addTool(
    name: string,
    config: { description: string; input: unknown; output: unknown },
    run: (args: Json, ctx: ToolContext) => Promise<CallToolResult>,
  ): void {
    const calls = this.transport.calls;
    this.server.registerTool(
      name,
      {
        description: config.description,
        inputSchema: config.input as never,
        ...(config.output !== undefined && { outputSchema: config.output as never }),
      },
      (async (args: Json, sdkCtx: SdkContext) => {
        const call = calls.get(sdkCtx.mcpReq.id as number);
        const ctx = withCaller(call?.ctx ?? newContext(undefined, undefined, {}), sdkCtx);
        if (!call) return run(args ?? {}, ctx);
        call.ctx = ctx;
        return runInCall(call, () => run(args ?? {}, ctx));
      }) as never,
    );
  }

  async connect(): Promise<void> {
    // Resources and prompts added through `server` also default to listChanged: true.
    const caps = this.server.server.getCapabilities();
    for (const kind of ["resources", "prompts"] as const)
      if (caps[kind]?.listChanged) this.server.server.registerCapabilities({ [kind]: { listChanged: false } });
    await this.server.connect(this.transport);
  }

  /**
   * Handles one JSON-RPC message (already parsed). Resolves with the response, or null for
   * notifications and posted responses (HTTP 202), or when `gone` aborts first (the caller left).
   */
  handle(
    message: unknown,
    headers: Headers,
    stream?: RequestStream,
    gone?: AbortSignal,
    identity?: AuthIdentity,
  ): Promise<Json | null> {
    const inbound = classify(message);
    switch (inbound.kind) {
      case "invalid":
        return Promise.resolve(inbound.answer);
      case "response":
        this.transport.deliverOther(inbound.message);
        return Promise.resolve(null);
      case "notification":
        // A cancellation names the caller's request id, which any caller may use (meshctl always
        // sends 1) and which is not the id the server knows the request by: forwarded, it would
        // cancel whichever request holds that internal id, possibly another caller's. Stateless,
        // it cannot be mapped, so it is ignored (allowed by MCP); a caller that goes away cancels
        // its call by closing the connection.
        if (inbound.message.method !== "notifications/cancelled") this.transport.deliverOther(inbound.message);
        return Promise.resolve(null);
    }
    const { message: request, id: callerId } = inbound;
    const id = this.takeId();
    let params = request.params as Json | undefined;
    let ctx: ToolContext | undefined;
    if (request.method === "tools/call" && params !== undefined) {
      ({ params, ctx } = stripReserved(params, headers, this.propagate));
      if (identity) ctx.auth = identity;
    }
    return new Promise((resolve) => {
      if (gone?.aborted) return resolve(null);
      const onGone = () => {
        this.transport.abandon(id);
        resolve(null);
      };
      gone?.addEventListener("abort", onGone, { once: true });
      const answer = (response: Json) => {
        gone?.removeEventListener("abort", onGone);
        resolve({ ...response, id: callerId });
      };
      const forServer = { ...request, id, ...(params !== undefined && { params }) };
      this.transport.deliver(forServer, { id, answer, stream, ctx });
    });
  }

  /**
   * In-process tools/call through the same server (same validation as over HTTP). With
   * `progressToken` and `stream`, what the tool sends while it runs goes to `stream` (a local
   * `dep.stream()`); aborting `signal` abandons the call as a caller going away would.
   */
  async callLocal(
    name: string,
    args: Json,
    ctx: ToolContext,
    opts: { progressToken?: string; stream?: RequestStream; signal?: AbortSignal } = {},
  ): Promise<Json> {
    const id = this.takeId();
    const params: Json = { name, arguments: args };
    if (opts.progressToken !== undefined) params._meta = { progressToken: opts.progressToken };
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.transport.abandon(id);
        reject(new MeshError(ErrorCodes.CANCELLED, `${name} (local): cancelled by the caller`));
      };
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const answer = (response: Json) => {
        opts.signal?.removeEventListener("abort", onAbort);
        resolve(response);
      };
      this.transport.deliver(
        { jsonrpc: "2.0", id, method: "tools/call", params },
        { id, answer, stream: opts.stream, ctx },
      );
    });
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  private takeId(): number {
    const id = this.nextId++;
    if (this.nextId > 2 ** 52) this.nextId = 1;
    return id;
  }
}
