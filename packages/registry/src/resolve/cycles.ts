// Required-dependency cycles (PROTOCOL.md §2.7): the graph is capability → required capability
// over every agent's tools, with the registering agent's new tools in place of its old ones.
import type { AgentRecord } from "../model.js";

/** Returns the cycle as "a → b → a", or null. Only cycles through the new agent's edges matter. */
export function findRequiredCycle(agents: Iterable<AgentRecord>, incoming: AgentRecord): string | null {
  const edges = new Map<string, Set<string>>();
  const add = (a: AgentRecord) => {
    for (const t of a.tools) {
      for (const d of t.dependencies) {
        if (!d.required || !d.capability) continue;
        let set = edges.get(t.capability);
        if (!set) edges.set(t.capability, (set = new Set()));
        set.add(d.capability);
      }
    }
  };
  for (const a of agents) if (a.agent_id !== incoming.agent_id) add(a);
  add(incoming);
  for (const t of incoming.tools) {
    if (!t.dependencies.some((d) => d.required)) continue;
    const path = walk(t.capability, t.capability, edges, [t.capability], new Set());
    if (path) return path.join(" → ");
  }
  return null;
}

function walk(
  start: string,
  at: string,
  edges: Map<string, Set<string>>,
  path: string[],
  seen: Set<string>,
): string[] | null {
  for (const next of edges.get(at) ?? []) {
    if (next === start) return [...path, next];
    if (seen.has(next)) continue;
    seen.add(next);
    const found = walk(start, next, edges, [...path, next], seen);
    if (found) return found;
  }
  return null;
}
