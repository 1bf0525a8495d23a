// The registry's JSON, fetched relative to the page (/ui/ → ../agents), so a prefix in front of
// the registry (an ingress path) needs no configuration.
import type { TraceSummary, TraceView } from "@mcp-mesh/protocol";

export interface Cap {
  name: string;
  function_name: string;
  version?: string;
  tags?: string[] | null;
  available?: boolean;
  unavailable_reason?: string;
}
export interface DepRow {
  function_name: string;
  capability: string;
  status: string;
  provider_agent_id?: string;
  mcp_tool?: string;
  endpoint?: string;
}
export interface LlmRow {
  function_name: string;
  status: string;
  mcp_tool?: string;
  provider_agent_id?: string;
  provider_capability?: string;
  required_capability?: string;
  endpoint?: string;
}
export interface Agent {
  id: string;
  name: string;
  status: string;
  endpoint: string;
  runtime?: string;
  version?: string;
  last_seen?: string;
  total_dependencies?: number;
  dependencies_resolved?: number;
  capabilities?: Cap[] | null;
  dependency_resolutions?: DepRow[] | null;
  llm_tool_resolutions?: LlmRow[] | null;
  llm_provider_resolutions?: LlmRow[] | null;
  resolution?: {
    dependencies_resolved?: Record<
      string,
      Array<{
        agent_id: string;
        function_name: string;
        status: string;
        capability: string;
        alternatives?: Array<{ agent_id: string; function_name: string; equal: boolean }>;
      }>
    >;
  } | null;
}
export interface AuditStage {
  stage: string;
  kept?: string[];
  kept_total?: number;
  evicted?: Array<{ id: string; reason: string }>;
  evicted_total?: number;
  chosen?: string;
  reason?: string;
}
export interface MeshEvent {
  event_type: string;
  agent_id: string;
  agent_name?: string;
  function_name?: string;
  timestamp: string;
  data?: {
    spec?: { capability?: string };
    stages?: AuditStage[];
    dep_index?: number;
    reason?: string;
    chosen?: { agent_id: string };
  } & Record<string, unknown>;
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export async function fetchAgents(): Promise<Agent[]> {
  return (await getJson<{ agents: Agent[] | null }>("../agents")).agents ?? [];
}
export async function fetchAgent(id: string): Promise<Agent> {
  return getJson<Agent>(`../agents/${encodeURIComponent(id)}`);
}
export async function fetchEvents(query = "limit=50"): Promise<MeshEvent[]> {
  return (await getJson<{ events: MeshEvent[] }>(`../events?${query}`)).events ?? [];
}
/** The registry's push feed: one `change` event per committed mesh change. */
export const STREAM_PATH = "api/stream";

// Traces and traffic (GET /traces, /trace/{id}, /traces/stream, /traffic/stream): the shapes are
// the registry's own, from @mcp-mesh/protocol.
export type { TraceSpanView, TraceSummary, TraceView, TrafficEdge, TrafficView } from "@mcp-mesh/protocol";

export const TRACES_STREAM_PATH = "../traces/stream";
export const trafficStreamPath = (windowSeconds: number) => `../traffic/stream?window=${windowSeconds}`;

export interface TracingStatus {
  enabled?: boolean;
  reason?: string;
}
export async function fetchTracingStatus(): Promise<TracingStatus> {
  return getJson<TracingStatus>("../trace/status");
}
export async function fetchTraces(limit = 50): Promise<TraceSummary[]> {
  return (await getJson<{ traces?: TraceSummary[] }>(`../traces?limit=${limit}`)).traces ?? [];
}
/** undefined for a trace the registry does not hold (404). */
export async function fetchTrace(id: string): Promise<TraceView | undefined> {
  const res = await fetch(`../trace/${encodeURIComponent(id)}`, { headers: { accept: "application/json" } });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`trace ${id}: HTTP ${res.status}`);
  return (await res.json()) as TraceView;
}
