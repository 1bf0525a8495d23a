// The per-dependency resolution audit (PROTOCOL.md §1.8): why each dependency went where it
// went. Written only when "interesting", and never twice in a row for the same trace.
import { hash as oneShotHash } from "node:crypto";
import { plainTags, type ResolvedDependency } from "@mcp-mesh/protocol";
import { type AgentRecord, type EventRecord, ownEntry, type Resolution } from "./model.js";
import type { DependencyOutcome } from "./resolve/dependency.js";

type Chosen = { agent_id: string; endpoint: string; function_name: string };

export class AuditLog {
  /** `last`: digest of the last trace written per consumer position, to suppress exact repeats. */
  constructor(private readonly last: Map<string, string> = new Map()) {}

  /**
   * Events for a consumer's recomputed positions. `ownHeartbeat` follows the reference's rules
   * (a stage with ≥2 candidates, an eviction, a change); background re-resolutions (ours) are
   * audited only when the choice changed, so one new provider does not write an event per consumer.
   */
  eventsFor(
    agent: AgentRecord,
    outcomes: ReadonlyMap<string, DependencyOutcome>,
    next: Resolution,
    prior: Resolution | undefined,
    now: number,
    ownHeartbeat: boolean,
  ): EventRecord[] {
    const events: EventRecord[] = [];
    for (const [key, outcome] of outcomes) {
      if (outcome.candidates === 0) continue;
      const hash = key.lastIndexOf("#");
      const fn = key.slice(0, hash);
      const index = Number(key.slice(hash + 1));
      const before = ownEntry(prior?.dependencies_resolved, fn)?.[index];
      const after = ownEntry(next.dependencies_resolved, fn)?.[index];
      const spec = agent.tools.find((t) => t.function_name === fn)?.dependencies[index];
      if (!after || !spec) continue;
      const changed = chosenId(before) !== chosenId(after);
      const interesting = ownHeartbeat
        ? changed || outcome.stages.some((s) => (s.kept_total ?? s.kept.length) >= 2 || (s.evicted?.length ?? 0) > 0)
        : changed;
      if (!interesting) continue;
      const data: Record<string, unknown> = {
        consumer: agent.agent_id,
        dep_index: index,
        spec: {
          capability: spec.capability,
          ...(plainTags(spec.tags).length ? { tags: plainTags(spec.tags) } : {}),
          ...(spec.version ? { version_constraint: spec.version } : {}),
          schema_mode: spec.matchMode || "none",
        },
        stages: outcome.stages,
      };
      if (after.status === "available") data.chosen = chosen(after);
      if (before?.status === "available" && changed) data.prior_chosen = chosen(before);
      const lastKey = `${agent.agent_id}\0${key}`;
      const body = JSON.stringify(data);
      // A digest, not the trace: traces of busy capabilities are kilobytes each.
      const digest = oneShotHash("sha1", body, "base64");
      if (this.last.get(lastKey) === digest) continue;
      this.last.set(lastKey, digest);
      events.push({
        event_type: after.status === "available" ? "dependency_resolved" : "dependency_unresolved",
        agent_id: agent.agent_id,
        agent_name: agent.name,
        function_name: fn,
        timestamp: now,
        data,
        dataJson: body,
      });
    }
    return events;
  }

  forget(agentId: string): void {
    for (const k of this.last.keys()) if (k.startsWith(`${agentId}\0`)) this.last.delete(k);
  }
}

function chosenId(d: ResolvedDependency | undefined): string {
  return d && d.status === "available" ? `${d.agent_id}:${d.function_name}` : "";
}

function chosen(d: ResolvedDependency): Chosen {
  return { agent_id: d.agent_id, endpoint: d.endpoint, function_name: d.function_name };
}
