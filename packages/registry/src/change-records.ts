// Pure pieces of a change, computed from agent records: what other agents see of a provider,
// the register event, the schemas to store, and which dependency an audit key names.
import { createHash } from "node:crypto";
import { rfc3339 } from "@mcp-mesh/protocol";
import type { AgentRecord, EventRecord } from "./model.js";
import type { Candidate } from "./resolve/dependency.js";
import type { WriteBatch } from "./store/store.js";

export function positionOf(agent: AgentRecord, key: string) {
  const hash = key.lastIndexOf("#");
  const fn = key.slice(0, hash);
  const index = Number(key.slice(hash + 1));
  const tool = agent.tools.find((t) => t.function_name === fn);
  const spec = tool?.dependencies[index];
  return tool && spec ? { fn, index, spec, capability: tool.capability } : null;
}

/**
 * Digests of records' fingerprints (a record's tools and address never change, only its status
 * does). A digest, not the JSON: that is as large as the tools, kilobytes per agent.
 */
const fingerprints = new WeakMap<AgentRecord, string>();

/** What other agents see of a provider: if this is unchanged, nobody needs re-resolving. */
export function providerFingerprint(a: AgentRecord): string {
  // Computed once per record: a re-registration compares the stored agent's too.
  let print = fingerprints.get(a);
  if (print === undefined) {
    const json = JSON.stringify([a.http_host, a.http_port, a.entity_id, a.tools.map(({ seq, ...t }) => t)]);
    print = createHash("sha1").update(json).digest("base64");
    fingerprints.set(a, print);
  }
  return `${a.status}\n${print}`;
}

export function candidatesOf(agent: AgentRecord | undefined): Candidate[] {
  return agent ? agent.tools.map((tool) => ({ agent, tool })) : [];
}

export function registerEvent(agent: AgentRecord, now: number, previous: string | undefined): EventRecord {
  const data: Record<string, unknown> = previous
    ? {
        reason: "recovery",
        old_status: previous,
        new_status: "healthy",
        detected_at: rfc3339(now),
        source: "status_change_hook",
        transition_type: `${previous}_to_healthy`,
        description: "Agent recovered",
      }
    : { agent_type: agent.agent_type, name: agent.name, version: agent.version };
  return {
    event_type: "register",
    agent_id: agent.agent_id,
    agent_name: agent.name,
    function_name: "",
    timestamp: now,
    data,
  };
}

export function schemasOf(agent: AgentRecord, now: number): NonNullable<WriteBatch["schemas"]> {
  const out: NonNullable<WriteBatch["schemas"]> = [];
  for (const t of agent.tools) {
    if (t.input_schema_canonical && t.input_schema_hash) {
      out.push({
        hash: t.input_schema_hash,
        canonical: t.input_schema_canonical,
        runtime_origin: agent.runtime,
        created_at: now,
      });
    }
    if (t.output_schema_canonical && t.output_schema_hash) {
      out.push({
        hash: t.output_schema_hash,
        canonical: t.output_schema_canonical,
        runtime_origin: agent.runtime,
        created_at: now,
      });
    }
  }
  return out;
}
