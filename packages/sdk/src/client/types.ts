// The shapes of a tools/call exchange as the client sees them (JSON-RPC 2.0, MCP results).

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

/** A JSON-RPC notification the tool sent while running (progress, log messages). */
export interface ToolNotification {
  method: string;
  params: Record<string, unknown>;
}

export interface ToolCallRequest {
  /** Full URL of the MCP endpoint, e.g. http://host:port/mcp or a registry /proxy/... URL. */
  url: string;
  tool: string;
  args: Record<string, unknown>;
  /** Deadline for the whole call (queueing, connect, answer), ms. Sent as X-Mesh-Timeout. */
  timeoutMs: number;
  headers?: Record<string, string>;
  /** Sent as `_meta.progressToken`, so that the tool may report progress. */
  progressToken?: string | number;
  /**
   * Called for each notification as it arrives (SSE answers only). When it returns a promise,
   * the answer is not read further until it settles (a slow consumer of a stream).
   */
  onNotification?: (n: ToolNotification) => void | Promise<void>;
  /** Aborting it ends the call at once with MeshError `cancelled` (e.g. the loser of a hedge). */
  signal?: AbortSignal;
  /** Bound on the answer's size (default 32 MiB). */
  maxBytes?: number;
  /** Extra `params._meta` entries (W3C traceparent/tracestate, MCP SEP-414). */
  meta?: Record<string, string>;
}

export interface DispatcherOptions {
  /** Connections per provider origin (default 256). */
  connections?: number;
  /** For https:// origins: the CA to trust and the client certificate to show (mTLS). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}
