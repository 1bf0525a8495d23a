// What the registry's read endpoints answer: GET /agents, GET /agents/{id}, GET /events
// (PROTOCOL.md §1.5, §1.8, docs/registry.md). Clients read these shapes; since a reference
// registry may omit or null many fields, those are optional here.
import type { LlmToolInfo, ResolvedDependency, ResolvedLlmProvider } from "./wire.js";

export interface CapabilityInfo {
  name: string;
  function_name: string;
  version?: string;
  description?: string;
  tags?: string[] | null;
  available?: boolean;
  unavailable_reason?: string;
  llm_filter?: unknown;
  llm_provider?: unknown;
  /** True for a tool that runs as a task (kwargs.task). */
  task?: boolean;
  /** Our registry only: "text" for a tool that streams its result (kwargs.stream_type). */
  stream_type?: string;
}

export interface DependencyResolutionInfo {
  function_name: string;
  capability: string;
  status: "available" | "unavailable" | "unresolved" | string;
  tags?: string[];
  mcp_tool?: string;
  provider_agent_id?: string;
  endpoint?: string;
}

export interface AgentInfo {
  id: string;
  name: string;
  agent_type?: string;
  runtime?: string;
  version?: string;
  description?: string;
  a2a_producer?: boolean;
  a2a_consumer?: boolean;
  status: string;
  endpoint: string;
  /** The identity of the client certificate the agent registered with (mTLS only; its endpoint is https). */
  entity_id?: string;
  namespace?: string;
  created_at?: string;
  last_seen?: string;
  total_dependencies?: number;
  dependencies_resolved?: number;
  capabilities?: CapabilityInfo[] | null;
  dependency_resolutions?: DependencyResolutionInfo[] | null;
  llm_tool_resolutions?: Array<Record<string, unknown>> | null;
  llm_provider_resolutions?: Array<Record<string, unknown>> | null;
  /** Only from our registry's GET /agents/{id}: the positional resolution with alternatives. */
  resolution?: {
    dependencies_resolved?: Record<string, ResolvedDependency[]>;
    llm_tools?: Record<string, LlmToolInfo[]>;
    llm_providers?: Record<string, ResolvedLlmProvider>;
  } | null;
}

export interface AuditStage {
  stage: string;
  kept?: string[];
  /** Present when `kept` lists only the first few: how many the stage kept. */
  kept_total?: number;
  evicted?: Array<{ id: string; reason: string; details?: Record<string, unknown> }>;
  /** Present when `evicted` lists only the first few: how many the stage evicted. */
  evicted_total?: number;
  chosen?: string;
  reason?: string;
}

export interface AuditData {
  consumer?: string;
  dep_index?: number;
  spec?: { capability?: string; tags?: unknown[]; version_constraint?: string; schema_mode?: string };
  stages?: AuditStage[];
  chosen?: { agent_id: string; endpoint?: string; function_name: string };
  prior_chosen?: { agent_id: string; endpoint?: string; function_name: string } | null;
}

export interface EventInfo {
  event_type: string;
  agent_id: string;
  agent_name?: string;
  function_name?: string;
  timestamp: string;
  data?: Record<string, unknown> & AuditData;
}

/** GET /agents. `agents` is null, not [], when empty (the reference does this). */
export interface AgentListResponse {
  agents: AgentInfo[] | null;
  count: number;
  timestamp: string;
  /** With `?limit=` (ours): pass it back as `after=` for the next page; absent on the last. */
  next?: string;
}

/** GET /events, newest first. */
export interface EventListResponse {
  count: number;
  events: EventInfo[];
}

// Tracing views (issue 11): GET /trace/{trace_id}, GET /traces (recent), GET /traces/stream (SSE).
// One span as the registry assembled it from the `mesh:trace` stream (LLM-WIRE.md §4.3, §4.4).
export interface TraceSpanView {
  trace_id: string;
  span_id: string;
  /** null for the trace's root. */
  parent_span: string | null;
  /** The tool name, `proxy_call_wrapper` for an outbound-call span, `"<METHOD> <path>"` for a route. */
  operation: string;
  agent_id?: string;
  agent_name?: string;
  runtime?: string;
  /** Unix seconds. */
  start_time: number;
  end_time: number;
  duration_ms: number;
  success: boolean;
  error?: string | null;
  /** True for spans `meshctl trace` hides unless --all (proxy_call_wrapper). */
  internal?: boolean;
  llm_input_tokens?: number;
  llm_output_tokens?: number;
  llm_total_tokens?: number;
  llm_model?: string;
  llm_provider?: string;
  /**
   * On an LLM iteration span (one model call of an agentic loop, `chat <model>`): its number,
   * from 1, and that one call's token usage. The llm_* fields above are the consumer tool span's
   * totals over all iterations (the reference's fields), so summing both would count twice.
   */
  llm_iteration?: number;
  iteration_input_tokens?: number;
  iteration_output_tokens?: number;
  /** Every other string field of the stream record, as sent. */
  attributes?: Record<string, string>;
}

/**
 * The reference registry's field names (its Go struct encoded without JSON tags), sent beside
 * ours on GET /trace/{trace_id} so the reference `meshctl trace` reads this registry too. Times
 * are RFC 3339 strings, DurationMS whole milliseconds.
 */
export interface ReferenceSpanFields {
  TraceID: string;
  SpanID: string;
  /** Absent on a root span. */
  ParentSpan?: string;
  AgentName: string;
  AgentID: string;
  IPAddress: string;
  StartTime: string;
  EndTime: string;
  DurationMS: number;
  ErrorMessage?: string;
}

/** The trace-level reference fields (see ReferenceSpanFields); Duration is in nanoseconds. */
export interface ReferenceTraceFields {
  TraceID: string;
  StartTime: string;
  EndTime: string;
  Duration: number;
  SpanCount: number;
  AgentCount: number;
}

/** GET /trace/{trace_id}: the spans of one trace, ordered by start time. */
export interface TraceView extends Partial<ReferenceTraceFields> {
  trace_id: string;
  root_span_id: string | null;
  /** Unix seconds of the earliest span, and the whole trace's length. */
  start_time: number;
  duration_ms: number;
  span_count: number;
  agents: string[];
  success: boolean;
  /** Each span also carries the reference's field names (ReferenceSpanFields). */
  spans: (TraceSpanView & Partial<ReferenceSpanFields>)[];
}

/** One row of GET /traces (most recent first). */
export interface TraceSummary {
  trace_id: string;
  root_operation: string | null;
  root_agent: string | null;
  start_time: number;
  duration_ms: number;
  span_count: number;
  agents: string[];
  success: boolean;
}

/** GET /traces: the most recent traces the registry holds (bounded; oldest dropped first). */
export interface TraceListView {
  traces: TraceSummary[];
  count: number;
}

/** One SSE event on GET /traces/stream: `event: span` with data TraceSpanView as each span arrives. */
export type TraceStreamEvent = { type: "span"; span: TraceSpanView } | { type: "trace"; trace: TraceSummary };

// Traffic per edge (issue 11): GET /traffic?window=SECONDS and GET /traffic/stream (SSE, `event:
// traffic` with a TrafficView). Calls between agents as the traces show them: a consumer's
// outbound call (its proxy_call_wrapper span) and the provider span under it make one call on the
// edge consumer → provider.
export interface TrafficLatency {
  calls: number;
  errors: number;
  /** Consumer-observed latency in ms (the outbound call's span where there is one); null with no calls. */
  p50_ms: number | null;
  p95_ms: number | null;
  max_ms: number | null;
}

/** One tool on an edge. `tool` is null for calls that no provider span answered (unreachable, untraced). */
export interface TrafficTool extends TrafficLatency {
  tool: string | null;
}

export interface TrafficEdge extends TrafficLatency {
  /** Agent ids (as in GET /agents) where the spans carried them, else the agent names. */
  source: string;
  target: string;
  source_name?: string;
  target_name?: string;
  tools: TrafficTool[];
  /** Unix seconds of the latest call counted. */
  last_call: number;
}

export interface TrafficView {
  enabled: boolean;
  /** The window the counts cover, ending now (seconds). */
  window_seconds: number;
  /** Unix seconds. */
  until: number;
  total_calls: number;
  total_errors: number;
  /** Busiest first. */
  edges: TrafficEdge[];
  /** With tracing off: why there is no traffic. */
  reason?: string;
}
