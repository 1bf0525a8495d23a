// One finished span as the reference publishes it to the Redis stream `mesh:trace`
// (LLM-WIRE.md §4.3): every value a string, ids in hex, a root's parent the string "null".

export interface AgentIdentity {
  agentId: string;
  name: string;
  namespace: string;
  host: string;
  port: number;
  endpoint: string;
}

export interface FinishedSpan {
  traceId: string;
  spanId: string;
  parentSpan: string | undefined;
  functionName: string;
  /** Unix ms. */
  startMs: number;
  endMs: number;
  success: boolean;
  error: string | undefined;
  resultType: string;
  argsCount: number;
  injectedDependencies: number;
  dependencies: string[];
  /** Extra string fields: proxy spans' byte counts, the consumer span's llm_* fields. */
  extra?: Record<string, string>;
}

/** The stream entry's field/value pairs, in the reference's field names. */
export function spanRecord(span: FinishedSpan, agent: AgentIdentity): Record<string, string> {
  const seconds = (ms: number) => (ms / 1000).toFixed(6);
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span: span.parentSpan ?? "null",
    function_name: span.functionName,
    start_time: seconds(span.startMs),
    end_time: seconds(span.endMs),
    duration_ms: (span.endMs - span.startMs).toFixed(2),
    success: span.success ? "true" : "false",
    error: span.error ?? "null",
    result_type: span.resultType,
    args_count: String(span.argsCount),
    kwargs_count: "0",
    injected_dependencies: String(span.injectedDependencies),
    dependencies: JSON.stringify(span.dependencies),
    mesh_positions: JSON.stringify(span.dependencies),
    agent_id: agent.agentId,
    agent_name: agent.name,
    agent_namespace: agent.namespace,
    agent_hostname: agent.host,
    agent_ip: agent.host,
    agent_port: String(agent.port),
    agent_endpoint: agent.endpoint,
    runtime: "typescript",
    published_at: seconds(Date.now()),
    ...span.extra,
  };
}
