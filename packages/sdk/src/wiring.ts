// Which provider each declared dependency is wired to. The registry answers positionally
// (`dependencies_resolved[function][index]`); each slot keeps its ranked providers: the primary,
// then `alternatives` (our registry's extension), the `equal` ones first. Proxies read the slot
// at call time, so re-wiring is one assignment (`slot.target = ...`, an immutable value) and a
// call in flight never sees a half-updated slot.
//
// Slots have a `kind`: "dependency", or "llm" for a tool's injected LLM, whose target is the
// resolved provider (with its alternatives) plus the tools its model may call (`llm_providers`
// and `llm_tools`), replaced by one assignment the same way.
import type { LlmToolInfo, RegistrationResponse, ResolvedDependency, ResolvedLlmProvider } from "@mcp-mesh/protocol";
import type { LlmSlotSpec } from "./llm/consumer/declaration.js";
import type { DependencySlotSpec, RuntimeTool } from "./tool.js";
import type { McpMeshTool } from "./types.js";

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

const UNWIRED: DependencyTarget = Object.freeze({ providers: Object.freeze([]) as readonly Provider[], equalCount: 0 });

export interface Slot {
  readonly kind: "dependency";
  tool: string;
  spec: DependencySlotSpec;
  target: DependencyTarget;
  cursor: number;
  /** A test's stand-in, used instead of any provider. */
  fake: McpMeshTool | undefined;
  proxy: McpMeshTool;
}

/** Where a tool's LLM requests go and which tools its model may call. Replaced whole on re-wiring. */
export interface LlmTarget extends DependencyTarget {
  /** The provider's vendor as the registry reports it ("unknown" for most non-Python providers). */
  readonly vendor: string;
  readonly tools: readonly LlmToolInfo[];
}

const NO_LLM: LlmTarget = Object.freeze({
  ...UNWIRED,
  vendor: "unknown",
  tools: Object.freeze([]) as readonly LlmToolInfo[],
});

export interface LlmSlot {
  readonly kind: "llm";
  tool: string;
  spec: LlmSlotSpec;
  target: LlmTarget;
  /**
   * The provider half seen as a dependency slot, so provider calls go through the proxy
   * machinery (deadline, fail-over, ejection); its `target` reads this slot's.
   */
  providerSlot: Slot;
}

/** What a heartbeat answer or a watch push brings. */
export type Resolution = Pick<RegistrationResponse, "dependencies_resolved" | "llm_tools" | "llm_providers">;

export type ProxyFactory = (slot: Slot) => McpMeshTool;

export class Wiring {
  private readonly slots = new Map<string, Slot[]>();
  private readonly llmSlots = new Map<string, LlmSlot>();
  private readonly injected = new Map<string, Record<string, McpMeshTool | null>>();
  private readonly listeners = new Set<() => void>();
  /** True once any resolution arrived (registry answer or watch event). */
  settled = false;

  constructor(tools: RuntimeTool[], makeProxy: ProxyFactory) {
    for (const t of tools) {
      this.slots.set(
        t.name,
        t.dependencies.map((spec) => {
          const slot: Slot = {
            kind: "dependency",
            tool: t.name,
            spec,
            target: UNWIRED,
            cursor: 0,
            fake: undefined,
            proxy: undefined as never,
          };
          slot.proxy = makeProxy(slot);
          return slot;
        }),
      );
      if (t.llm) this.llmSlots.set(t.name, newLlmSlot(t.name, t.llm, makeProxy));
    }
  }

  /**
   * Applies a registry resolution; returns a line per slot that changed (for the log). With
   * `keepWired`, a slot the registry now leaves unresolved keeps its providers (see the agent's
   * re-join grace: a registry that restarted empty has not heard from every provider yet).
   */
  apply(resolution: Resolution | undefined, keepWired = false): string[] {
    this.settled = true;
    const resolved = resolution?.dependencies_resolved;
    const changes: string[] = [];
    for (const [tool, slots] of this.slots) {
      const answers = resolved?.[tool] ?? [];
      for (const slot of slots) {
        const next = providersOf(answers[slot.spec.index]);
        if (keepWired && next.providers.length === 0) continue;
        if (sameProviders(slot.target.providers, next.providers)) {
          if (slot.target.equalCount !== next.equalCount) slot.target = next;
          continue;
        }
        const before = slot.target.providers[0]?.endpoint ?? "none";
        const after = next.providers[0]?.endpoint ?? "none";
        const fallbacks = next.providers.length - 1;
        slot.target = next;
        slot.cursor = 0;
        // Say what changed: the primary, or only the replicas/alternatives behind it.
        changes.push(
          before === after
            ? `${tool}.${slot.spec.key} (${slot.spec.capability}): ${after}, now with ${fallbacks} alternative${fallbacks === 1 ? "" : "s"}`
            : `${tool}.${slot.spec.key} (${slot.spec.capability}): ${before} -> ${after}`,
        );
      }
      this.injected.delete(tool);
    }
    for (const slot of this.llmSlots.values()) {
      const next = llmTargetOf(resolution?.llm_providers?.[slot.tool], resolution?.llm_tools?.[slot.tool]);
      if (keepWired && next.providers.length === 0) continue;
      const before = slot.target;
      if (sameProviders(before.providers, next.providers) && sameTools(before.tools, next.tools)) {
        if (before.equalCount !== next.equalCount) slot.target = next;
        continue;
      }
      slot.target = next;
      slot.providerSlot.cursor = 0;
      const names = next.tools.map((t) => t.name).join(", ") || "none";
      changes.push(
        `${slot.tool}.llm (${slot.spec.provider.capability}): ${before.providers[0]?.endpoint ?? "none"} -> ${next.providers[0]?.endpoint ?? "none"}, tools: ${names}`,
      );
    }
    for (const l of this.listeners) l();
    return changes;
  }

  /** The LLM slot of `tool`, if it declares `llm`. */
  llmSlot(tool: string): LlmSlot | undefined {
    return this.llmSlots.get(tool);
  }

  allLlmSlots(): LlmSlot[] {
    return [...this.llmSlots.values()];
  }

  /** The object the handler receives: a proxy per wired dependency, null for the others. */
  inject(tool: string): Record<string, McpMeshTool | null> {
    let deps = this.injected.get(tool);
    if (deps) return deps;
    deps = {};
    for (const s of this.slots.get(tool) ?? [])
      deps[s.spec.key] = s.fake ?? (s.target.providers.length > 0 ? s.proxy : null);
    this.injected.set(tool, deps);
    return deps;
  }

  /** Required dependencies of `tool` that have no provider right now. */
  missingRequired(tool: string): DependencySlotSpec[] {
    return (this.slots.get(tool) ?? [])
      .filter((s) => s.spec.required && !s.fake && s.target.providers.length === 0)
      .map((s) => s.spec);
  }

  /** Every slot depending on `capability` (or named `key`) uses `fake` until cleared (undefined). */
  setFake(capabilityOrKey: string, fake: McpMeshTool | undefined): number {
    let n = 0;
    for (const [tool, slots] of this.slots) {
      for (const s of slots)
        if (s.spec.capability === capabilityOrKey || s.spec.key === capabilityOrKey) {
          s.fake = fake;
          n++;
        }
      this.injected.delete(tool);
    }
    return n;
  }

  /** Providers of the first slot with this capability or key (for tests and introspection). */
  providersOf(capabilityOrKey: string): readonly Provider[] | undefined {
    for (const slots of this.slots.values())
      for (const s of slots)
        if (s.spec.capability === capabilityOrKey || s.spec.key === capabilityOrKey) return s.target.providers;
    return undefined;
  }

  allSlots(): Slot[] {
    return [...this.slots.values()].flat();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function providersOf(r: ResolvedDependency | undefined): DependencyTarget {
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

function sameProviders(a: readonly Provider[], b: readonly Provider[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (p, i) =>
      p.endpoint === b[i]?.endpoint &&
      p.functionName === b[i]?.functionName &&
      p.agentId === b[i]?.agentId &&
      JSON.stringify(p.kwargs) === JSON.stringify(b[i]?.kwargs),
  );
}

function newLlmSlot(tool: string, spec: LlmSlotSpec, makeProxy: ProxyFactory): LlmSlot {
  const llm = { kind: "llm", tool, spec, target: NO_LLM, providerSlot: undefined as never } as LlmSlot;
  const providerSlot: Slot = {
    kind: "dependency",
    tool,
    spec: {
      key: "llm",
      index: 0,
      capability: spec.provider.capability,
      tags: spec.provider.tags,
      version: spec.provider.version,
      required: false,
      timeoutMs: spec.timeoutMs,
      retries: 0,
      headers: {},
      retryOnTimeout: false,
      attemptTimeoutMs: undefined,
      hedgeAfterMs: undefined,
      output: undefined,
    },
    get target() {
      return llm.target;
    },
    set target(_: DependencyTarget) {
      // Re-wiring goes through the LLM slot; the view never replaces it on its own.
    },
    cursor: 0,
    fake: undefined,
    proxy: undefined as never,
  };
  providerSlot.proxy = makeProxy(providerSlot);
  llm.providerSlot = providerSlot;
  return llm;
}

function llmTargetOf(p: ResolvedLlmProvider | undefined, tools: LlmToolInfo[] | undefined): LlmTarget {
  const list = Object.freeze([...(tools ?? [])]);
  if (!p || p.status !== "available" || !p.endpoint || !p.name)
    return list.length === 0 ? NO_LLM : Object.freeze({ ...UNWIRED, vendor: "unknown", tools: list });
  const deps = providersOf({
    agent_id: p.agent_id,
    function_name: p.name,
    endpoint: p.endpoint,
    capability: p.capability,
    status: "available",
    kwargs: p.kwargs,
    alternatives: p.alternatives,
  });
  return Object.freeze({ ...deps, vendor: p.vendor ?? "unknown", tools: list });
}

function sameTools(a: readonly LlmToolInfo[], b: readonly LlmToolInfo[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}
