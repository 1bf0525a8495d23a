// Propagation: after a provider changes, re-resolve exactly the consumers it can reach, record
// what changed (audit events, counters, what watchers are told) into the change being built.
// Runs inside a staged change (core.ts), so it may write the state maps directly.
import { type ResolutionUpdate, rfc3339 } from "@mcp-mesh/protocol";
import type { AuditLog } from "./audit.js";
import { positionOf } from "./change-records.js";
import type { RegistryMetrics } from "./metrics.js";
import { ownEntry, type Resolution } from "./model.js";
import { type Env, resolveAgent } from "./resolve/agent.js";
import { differsForReference, sameResolution } from "./resolve/compare.js";
import { type Candidate, type DependencyOutcome, resolveDependency } from "./resolve/dependency.js";
import type { WriteBatch } from "./store/store.js";
import type { Topology } from "./topology.js";

/** The parts of the core's memory propagation reads and writes. */
export interface MeshState {
  topology: Topology;
  current: Map<string, Resolution>;
  sent: Map<string, Resolution>;
  counters: Map<string, { total: number; resolved: number }>;
  pending: { add(id: string): void; delete(id: string): void };
  audit: AuditLog;
  isWatched(id: string): boolean;
  maxAlternatives: number;
  metrics: RegistryMetrics;
}

/**
 * Re-resolves the consumers of changed capabilities. A consumer whose required dependency
 * flips changes its own availability, so its capabilities' consumers are visited too.
 */
export function propagate(
  s: MeshState,
  changed: Candidate[],
  env: Env,
  now: number,
  batch: WriteBatch,
  self: string | null,
  deliveries: ResolutionUpdate[],
  /** Every changed provider is a first registration: no position names it yet. */
  newcomers = false,
): void {
  const started = performance.now();
  const queue: string[] = [];
  type Only = Map<string, Candidate[] | null>;
  const waiting = new Map<string, Only>();
  // Most consumers are reached through one changed capability: they share that capability's
  // map (one per capability, not one per consumer) until a second reason makes theirs their own.
  const shared = new Set<Only>();
  const enqueue = (cid: string, cap: string | null, providers: Candidate[] | null, sharedMap?: Only) => {
    if (cid === self) return;
    let caps = waiting.get(cid);
    if (!caps) {
      queue.push(cid);
      if (sharedMap) return void waiting.set(cid, sharedMap);
      waiting.set(cid, (caps = new Map()));
    } else if (shared.has(caps)) waiting.set(cid, (caps = new Map(caps)));
    if (!cap) return;
    const known = caps.get(cap);
    caps.set(cap, known === null || providers === null ? null : [...(known ?? []), ...(providers ?? [])]);
  };
  const byCap = new Map<string, Candidate[]>();
  for (const c of changed) {
    const list = byCap.get(c.tool.capability);
    if (list) list.push(c);
    else byCap.set(c.tool.capability, [c]);
  }
  for (const [cap, providers] of byCap) {
    const only: Only = new Map([[cap, providers]]);
    shared.add(only);
    const reached = newcomers ? s.topology.consumersOfNewcomers(cap, providers) : s.topology.consumersOf(cap);
    for (const cid of reached) enqueue(cid, cap, providers, only);
  }
  if (changed.length) for (const cid of s.topology.llmFilterConsumers) enqueue(cid, null, null);
  // Each consumer is re-queued only when a required position flips, which settles because
  // availability is memoised per environment; the bound is a guard, not a limit we expect.
  for (let steps = 0; queue.length && steps < 1_000_000; steps++) {
    const cid = queue.shift() as string;
    const only = waiting.get(cid) ?? new Map<string, Candidate[] | null>();
    waiting.delete(cid);
    const consumer = s.topology.get(cid);
    const prior = s.current.get(cid);
    if (!consumer || consumer.status !== "healthy") continue;
    const out = resolveAgent(consumer, env, {
      trace: false,
      maxAlternatives: s.maxAlternatives,
      only,
      previous: prior,
    });
    // Nothing recomputed (no position could be affected): the resolution is the prior one.
    if (out.outcomes.size === 0 && !out.llmTouched) continue;
    if (sameResolution(prior, out.resolution)) continue;
    s.current.set(cid, out.resolution);
    const counters = s.counters.get(cid);
    s.counters.set(cid, { total: out.total, resolved: out.resolved });
    if (differsForReference(s.sent.get(cid), out.resolution)) s.pending.add(cid);
    const changed = new Map<string, DependencyOutcome>();
    for (const key of out.outcomes.keys()) {
      const pos = positionOf(consumer, key);
      if (!pos) continue;
      const before = ownEntry(prior?.dependencies_resolved, pos.fn)?.[pos.index];
      const after = ownEntry(out.resolution.dependencies_resolved, pos.fn)?.[pos.index];
      if (before?.agent_id === after?.agent_id && before?.function_name === after?.function_name) continue;
      changed.set(key, resolveDependency(pos.spec, env, true));
      if (pos.spec.required && before?.status !== after?.status) {
        for (const next of s.topology.consumersOf(pos.capability)) enqueue(next, pos.capability, null);
      }
    }
    batch.events?.push(...s.audit.eventsFor(consumer, changed, out.resolution, prior, now, false));
    const delivered = s.isWatched(cid);
    // Pushed on its watch stream now, or told by a 202 on its next HEAD heartbeat.
    s.metrics.propagations.inc({ delivery: delivered ? "watch" : "heartbeat" });
    if (delivered) {
      deliveries.push({ agent_id: cid, ...out.resolution, timestamp: rfc3339(now) });
      s.sent.set(cid, out.resolution);
      s.pending.delete(cid);
    }
    if (delivered || counters?.total !== out.total || counters?.resolved !== out.resolved) {
      batch.resolutions?.push({
        agent_id: cid,
        resolution: delivered ? out.resolution : undefined,
        total: out.total,
        resolved: out.resolved,
      });
    }
  }
  s.metrics.resolutionSeconds.observe({ scope: "propagation" }, (performance.now() - started) / 1000);
}
