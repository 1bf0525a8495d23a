// @mcp-mesh/sdk/client: the one tools/call client (DESIGN.md §8), shared by dependency proxies,
// meshctl call, and the LLM loop and gateway to come.

export type { ClientTls } from "../tls.js";
export { clientTlsFromEnv } from "../tls.js";
export { classifyError } from "./classify.js";
export { endpointAnswers } from "./probe.js";
export type { SseParser } from "./sse.js";
export { createSseParser, sseData } from "./sse.js";
export type {
  DispatcherOptions,
  JsonRpcError,
  JsonRpcResponse,
  ToolCallRequest,
  ToolNotification,
  ToolResult,
} from "./tools-call.js";
export { callToolHttp, createDispatcher } from "./tools-call.js";
