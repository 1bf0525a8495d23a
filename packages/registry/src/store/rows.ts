// Table rows → records, shared by the SQL stores. Drivers differ in what they return for a
// BIGINT (a number in SQLite, a string in node-postgres), so every column is converted here.
import type { AgentRecord, EventRecord, EventType, ToolRecord } from "../model.js";
import type { SchemaEntry } from "./store.js";

export type Row = Record<string, unknown>;

export function agentFromRow(r: Row, tools: ToolRecord[]): AgentRecord {
  return {
    agent_id: String(r.agent_id),
    name: String(r.name),
    agent_type: String(r.agent_type),
    runtime: String(r.runtime),
    version: String(r.version),
    description: String(r.description),
    http_host: String(r.http_host),
    http_port: Number(r.http_port),
    namespace: String(r.namespace),
    status: String(r.status) as AgentRecord["status"],
    a2a_producer: Boolean(Number(r.a2a_producer)),
    a2a_consumer: Boolean(Number(r.a2a_consumer)),
    entity_id: String(r.entity_id),
    surfaces: r.surfaces ? JSON.parse(String(r.surfaces)) : null,
    created_at: Number(r.created_at),
    updated_at: Number(r.updated_at),
    last_full_refresh: Number(r.last_full_refresh),
    tools,
  };
}

/** Capability rows (seq, agent_id, body) grouped by agent, in row order. */
export function toolsByAgent(rows: Row[]): Map<string, ToolRecord[]> {
  const out = new Map<string, ToolRecord[]>();
  for (const r of rows) {
    const tool = { ...(JSON.parse(String(r.body)) as ToolRecord), seq: Number(r.seq) };
    const list = out.get(String(r.agent_id));
    if (list) list.push(tool);
    else out.set(String(r.agent_id), [tool]);
  }
  return out;
}

export function eventFromRow(r: Row): EventRecord {
  return {
    id: Number(r.id),
    event_type: String(r.event_type) as EventType,
    agent_id: String(r.agent_id),
    agent_name: String(r.agent_name),
    function_name: String(r.function_name),
    timestamp: Number(r.timestamp),
    data: r.data ? JSON.parse(String(r.data)) : null,
  };
}

export function schemaFromRow(r: Row): SchemaEntry {
  return {
    hash: String(r.hash),
    canonical: JSON.parse(String(r.canonical)),
    runtime_origin: String(r.runtime_origin),
    created_at: Number(r.created_at),
  };
}
