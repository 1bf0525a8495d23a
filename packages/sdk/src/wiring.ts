// Which provider each declared dependency is wired to. The registry answers positionally
// (`dependencies_resolved[function][index]`); each slot keeps its ranked providers: the primary,
// then `alternatives` (our registry's extension), the `equal` ones first. Proxies read the slot
// at call time, so re-wiring is one assignment (`slot.target = ...`, an immutable value) and a
// call in flight never sees a half-updated slot.
//
// Slots have a `kind`: "dependency", or "llm" for a tool's injected LLM (./llm-slot.ts), whose
// target is the resolved provider (with its alternatives) plus the tools its model may call
// (`llm_providers` and `llm_tools`), replaced by one assignment the same way.
import type { RegistrationResponse } from "@mcp-mesh/protocol";
import { applyLlm, type LlmSlot, newLlmSlot } from "./llm-slot.js";
import { type DependencyTarget, type Provider, providersOf, sameProviders, UNWIRED } from "./slot-target.js";
import type { DependencySlotSpec, RuntimeTool } from "./tool.js";
import type { McpMeshTool } from "./types.js";

export type { LlmSlot, LlmTarget } from "./llm-slot.js";
export type { DependencyTarget, Provider } from "./slot-target.js";

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
      const change = applyLlm(slot, resolution, keepWired);
      if (change) changes.push(change);
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
