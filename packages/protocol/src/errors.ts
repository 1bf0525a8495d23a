// The one table of error codes of MCP Mesh for TypeScript. Local errors carry a code from here;
// wire errors (JSON-RPC / MCP) stay apart. docs/error-codes.md documents every entry.
export const ErrorCodes = {
  INVALID_JSON: "invalid_json",
  INVALID_REQUEST: "invalid_request",
  AGENT_ID_REQUIRED: "agent_id_required",
  VALIDATION_FAILED: "validation_failed",
  DEPENDENCY_CYCLE: "dependency_cycle",
  PAYLOAD_TOO_LARGE: "payload_too_large",
  NOT_FOUND: "not_found",
  AGENT_GONE: "agent_gone",
  REQUEST_TIMEOUT: "request_timeout",
  HEADERS_TOO_LARGE: "headers_too_large",
  BAD_REQUEST: "bad_request",
  UNAUTHORIZED: "unauthorized",
  FORBIDDEN: "forbidden",
  RATE_LIMITED: "rate_limited",
  PROXY_BAD_TARGET: "proxy_bad_target",
  PROXY_FORBIDDEN: "proxy_forbidden",
  PROXY_UPSTREAM: "proxy_upstream",
  STORE_UNAVAILABLE: "store_unavailable",
  INTERNAL: "internal",
  CONFIG_INVALID: "config_invalid",
  TIMEOUT: "timeout",
  UNREACHABLE: "unreachable",
  REMOTE_TOOL_ERROR: "remote_tool_error",
  DEPENDENCY_UNAVAILABLE: "dependency_unavailable",
  REGISTRY_REJECTED: "registry_rejected",
  AGENT_STATE: "agent_state",
  OUTPUT_MISMATCH: "output_mismatch",
  CANCELLED: "cancelled",
  USAGE: "usage",
  AMBIGUOUS: "ambiguous",
  START_FAILED: "start_failed",
  LLM_MAX_ITERATIONS: "llm_max_iterations",
  LLM_RESPONSE_PARSE: "llm_response_parse",
  LLM_PROVIDER_ERROR: "llm_provider_error",
  LLM_PROVIDER_UNAVAILABLE: "llm_provider_unavailable",
  LLM_VENDOR_MISSING: "llm_vendor_missing",
  STREAM_INVALID_CHUNK: "stream_invalid_chunk",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

// The JSON-RPC error codes our agents answer on `/mcp`: the wire half of the catalogue, kept
// apart from the local codes above (a caller sees these numbers, never a MeshError code).
// -32000..-32099 is JSON-RPC's range for server-defined errors; -32001 for a refused credential
// is what MCP servers in the field answer next to a 401/403 (and what our agents always sent).
export const RpcErrorCodes = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  METHOD_NOT_ALLOWED: -32000,
  UNAUTHORIZED: -32001,
} as const;

export type RpcErrorCode = (typeof RpcErrorCodes)[keyof typeof RpcErrorCodes];

export class MeshError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "MeshError";
    this.code = code;
    this.details = details;
  }
}

export function isMeshError(e: unknown): e is MeshError {
  return e instanceof MeshError;
}
