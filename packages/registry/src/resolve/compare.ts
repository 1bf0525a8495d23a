// Cheap structural comparisons of resolutions. Propagation runs them for every consumer a change
// touches, so they compare fields instead of serialising whole resolutions.
import type { ResolvedDependency } from "@mcp-mesh/protocol";
import { ownEntry, type Resolution } from "../model.js";

/** Same in every field a client can see, alternatives included. */
export function samePosition(a: ResolvedDependency | undefined, b: ResolvedDependency | undefined): boolean {
  if (!samePrimary(a, b)) return false;
  const x = a?.alternatives ?? [];
  const y = b?.alternatives ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    const q = y[i];
    if (
      !p ||
      !q ||
      p.agent_id !== q.agent_id ||
      p.function_name !== q.function_name ||
      p.endpoint !== q.endpoint ||
      p.equal !== q.equal
    ) {
      return false;
    }
    if (!sameJson(p.kwargs, q.kwargs)) return false;
  }
  return true;
}

/** Same as far as a reference client is concerned (it ignores `alternatives`). */
export function samePrimary(a: ResolvedDependency | undefined, b: ResolvedDependency | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.status === b.status &&
    a.agent_id === b.agent_id &&
    a.function_name === b.function_name &&
    a.endpoint === b.endpoint &&
    a.capability === b.capability &&
    sameJson(a.kwargs, b.kwargs)
  );
}

/** Would a reference client that was told `told` need to fetch `now`? */
export function differsForReference(told: Resolution | undefined, now: Resolution): boolean {
  if (!told) return true;
  const fns = new Set([...Object.keys(told.dependencies_resolved), ...Object.keys(now.dependencies_resolved)]);
  for (const fn of fns) {
    const x = ownEntry(told.dependencies_resolved, fn) ?? [];
    const y = ownEntry(now.dependencies_resolved, fn) ?? [];
    if (x.length !== y.length) return true;
    for (let i = 0; i < x.length; i++) if (!samePrimary(x[i], y[i])) return true;
  }
  return (
    !sameJson(told.llm_tools, now.llm_tools) ||
    !sameJson(withoutAlternatives(told.llm_providers), withoutAlternatives(now.llm_providers))
  );
}

/** llm_providers as a reference client sees them (it ignores `alternatives`). */
function withoutAlternatives(map: Resolution["llm_providers"]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [fn, p] of Object.entries(map ?? {})) {
    const { alternatives: _ignored, ...rest } = p;
    out[fn] = rest;
  }
  return out;
}

/** Same resolution in every visible field. */
export function sameResolution(a: Resolution | undefined, b: Resolution): boolean {
  if (!a) return false;
  const fns = new Set([...Object.keys(a.dependencies_resolved), ...Object.keys(b.dependencies_resolved)]);
  for (const fn of fns) {
    const x = ownEntry(a.dependencies_resolved, fn) ?? [];
    const y = ownEntry(b.dependencies_resolved, fn) ?? [];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!samePosition(x[i], y[i])) return false;
  }
  return sameJson(a.llm_tools, b.llm_tools) && sameJson(a.llm_providers, b.llm_providers);
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  // Small objects (kwargs, LLM lists that rarely exist): serialising is simplest and exact enough.
  return JSON.stringify(a) === JSON.stringify(b);
}
