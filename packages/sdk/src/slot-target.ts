// Where a slot's calls go: the ranked providers of one resolution (the primary, then the equal
// replicas, then the other alternatives), built once per resolution and never mutated.
import type { ResolvedDependency } from "@mcp-mesh/protocol";

export interface Provider {
  agentId: string;
  functionName: string;
  endpoint: string;
  kwargs: Record<string, unknown> | undefined;
}

/** Where a dependency slot's calls go. Replaced whole on re-wiring, never mutated. */
export interface DependencyTarget {
  readonly providers: readonly Provider[];
  /** How many leading providers are replicas of the primary (calls rotate over these). */
  readonly equalCount: number;
}

export const UNWIRED: DependencyTarget = Object.freeze({
  providers: Object.freeze([]) as readonly Provider[],
  equalCount: 0,
});

export function providersOf(r: ResolvedDependency | undefined): DependencyTarget {
  // The reference runtimes treat only "available" (or "healthy") entries as live.
  const status = r?.status as string | undefined;
  if (!r || (status !== "available" && status !== "healthy") || !r.endpoint || !r.function_name) return UNWIRED;
  const primary: Provider = {
    agentId: r.agent_id,
    functionName: r.function_name,
    endpoint: r.endpoint,
    kwargs: r.kwargs,
  };
  const alts = (r.alternatives ?? []).filter((a) => a.endpoint && a.function_name);
  const equal = alts.filter((a) => a.equal);
  const rest = alts.filter((a) => !a.equal);
  const toProvider = (a: (typeof alts)[number]): Provider => ({
    agentId: a.agent_id,
    functionName: a.function_name,
    endpoint: a.endpoint,
    kwargs: a.kwargs,
  });
  return Object.freeze({
    providers: Object.freeze([primary, ...equal.map(toProvider), ...rest.map(toProvider)]),
    equalCount: 1 + equal.length,
  });
}

export function sameProviders(a: readonly Provider[], b: readonly Provider[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (p, i) =>
      p.endpoint === b[i]?.endpoint &&
      p.functionName === b[i]?.functionName &&
      p.agentId === b[i]?.agentId &&
      JSON.stringify(p.kwargs) === JSON.stringify(b[i]?.kwargs),
  );
}
