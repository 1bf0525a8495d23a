export type { ErrorCode, RpcErrorCode } from "./errors.js";
export { ErrorCodes, isMeshError, MeshError, RpcErrorCodes } from "./errors.js";
export type { EventType } from "./events.js";
export { EVENT_TYPES } from "./events.js";
export { matchesHeaderRule } from "./headers.js";
export type {
  AgentInfo,
  AgentListResponse,
  AuditData,
  AuditStage,
  CapabilityInfo,
  DependencyResolutionInfo,
  EventInfo,
  EventListResponse,
  ReferenceSpanFields,
  ReferenceTraceFields,
  TraceListView,
  TraceSpanView,
  TraceStreamEvent,
  TraceSummary,
  TraceView,
  TrafficEdge,
  TrafficLatency,
  TrafficTool,
  TrafficView,
} from "./registry-views.js";
export { MESH_VERSION } from "./release.js";
export { safeDatabaseUrl, safeUrl } from "./safe-url.js";
export type { TagMatch, TagTerm } from "./tags.js";
export { matchTags, plainTags, tagScore } from "./tags.js";
export type { PeerCertificateCheck, PeerCertificateLike, TlsMode, TlsSocketLike } from "./tls.js";
export {
  certificateIdentity,
  checkPeerCertificate,
  isTlsFailure,
  TLS_MODES,
  tlsFailureText,
  tlsModeOf,
} from "./tls.js";
export { compareVersions, isValidVersion, satisfiesConstraint } from "./version.js";
export type {
  AgentRegistration,
  AgentStatus,
  AgentType,
  DependencySpec,
  LlmProviderSpec,
  LlmToolInfo,
  RegistrationResponse,
  ResolutionUpdate,
  ResolvedAlternative,
  ResolvedDependency,
  ResolvedLlmProvider,
  Runtime,
  Surface,
  ToolRegistration,
} from "./wire.js";
export {
  AGENT_ID_PATTERN,
  AGENT_STATUSES,
  AGENT_TYPES,
  AgentRegistrationSchema,
  DependencySpecSchema,
  FIELD_LIMITS,
  jsonText,
  LlmFilterSchema,
  LlmProviderSpecSchema,
  RUNTIMES,
  rfc3339,
  SurfaceSchema,
  TagTermSchema,
  ToolRegistrationSchema,
} from "./wire.js";
