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

/**
 * The stream entry's field/value pairs, flat as XADD takes them, in the reference's field names.
 * Built when the batch is sent, not when the span ends, so the call's own path only queues.
 */
export function spanFields(span: FinishedSpan, agent: AgentIdentity, nowMs: number): string[] {
  const seconds = (ms: number) => (ms / 1000).toFixed(6);
  const deps = JSON.stringify(span.dependencies);
  const out = [
    "trace_id",
    span.traceId,
    "span_id",
    span.spanId,
    "parent_span",
    span.parentSpan ?? "null",
    "function_name",
    span.functionName,
    "start_time",
    seconds(span.startMs),
    "end_time",
    seconds(span.endMs),
    "duration_ms",
    (span.endMs - span.startMs).toFixed(2),
    "success",
    span.success ? "true" : "false",
    "error",
    span.error ?? "null",
    "result_type",
    span.resultType,
    "args_count",
    String(span.argsCount),
    "kwargs_count",
    "0",
    "injected_dependencies",
    String(span.injectedDependencies),
    "dependencies",
    deps,
    "mesh_positions",
    deps,
    "agent_id",
    agent.agentId,
    "agent_name",
    agent.name,
    "agent_namespace",
    agent.namespace,
    "agent_hostname",
    agent.host,
    "agent_ip",
    agent.host,
    "agent_port",
    String(agent.port),
    "agent_endpoint",
    agent.endpoint,
    "runtime",
    "typescript",
    "published_at",
    seconds(nowMs),
  ];
  if (span.extra) for (const k in span.extra) out.push(k, span.extra[k] as string);
  return out;
}
