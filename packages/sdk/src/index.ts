export type { ErrorCode } from "@mcp-mesh/protocol";
export { ErrorCodes, isMeshError, MeshError } from "@mcp-mesh/protocol";
export { MeshAgent } from "./agent.js";
export type { AuthIdentity, AuthOptions, JwtAuthOptions } from "./auth/inbound.js";
export type { AgentConfig } from "./config.js";
export { decodeResult } from "./decode-result.js";
export type {
  LlmCallOptions,
  LlmDeclaration,
  LlmFilterEntry,
  LlmMessage,
  LlmMeta,
  LlmToolCall,
  MeshLlm,
} from "./llm/consumer/types.js";
export type { LlmProviderOptions } from "./llm/provider/options.js";
export type { MeshLlmRequest } from "./llm/provider/request.js";
export { MeshLlmRequestSchema } from "./llm/provider/request.js";
export { mesh } from "./mesh.js";
export type { TlsOptionsInput } from "./tls.js";
export { rawResult } from "./tool.js";
export type {
  AgentHandle,
  AgentOptions,
  CallOptions,
  DependencyDeclaration,
  DependencyMap,
  DependencyOutput,
  HealthCheck,
  HealthStatus,
  InjectedDependencies,
  InjectedLlm,
  InputDeclaration,
  InputOf,
  LlmOutputOf,
  LogLevel,
  McpMeshTool,
  OutputOf,
  SessionMove,
  StreamingToolDefinition,
  StreamOptions,
  TagTerm,
  ToolArgs,
  ToolContext,
  ToolDefinition,
} from "./types.js";
