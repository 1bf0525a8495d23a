// The injected LLM's slot (the wiring's second kind): its target is the resolved provider (with
// its alternatives) plus the tools the model may call, from `llm_providers` and `llm_tools`,
// replaced whole by one assignment. Its provider half is also seen as a dependency-kind slot,
// so provider calls go through the proxy machinery (deadline, fail-over, ejection).
import type { LlmToolInfo, ResolvedLlmProvider } from "@mcp-mesh/protocol";
import type { LlmSlotSpec } from "./llm/consumer/declaration.js";
import { type DependencyTarget, providersOf, sameProviders, UNWIRED } from "./slot-target.js";
import type { ProxyFactory, Resolution, Slot } from "./wiring.js";

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

/** Applies a resolution to one LLM slot; a line for the log when its target changed. */
export function applyLlm(slot: LlmSlot, resolution: Resolution | undefined, keepWired: boolean): string | undefined {
  const next = llmTargetOf(resolution?.llm_providers?.[slot.tool], resolution?.llm_tools?.[slot.tool]);
  if (keepWired && next.providers.length === 0) return undefined;
  const before = slot.target;
  if (sameProviders(before.providers, next.providers) && sameTools(before.tools, next.tools)) {
    if (before.equalCount !== next.equalCount) slot.target = next;
    return undefined;
  }
  slot.target = next;
  slot.providerSlot.cursor = 0;
  const names = next.tools.map((t) => t.name).join(", ") || "none";
  return `${slot.tool}.llm (${slot.spec.provider.capability}): ${before.providers[0]?.endpoint ?? "none"} -> ${next.providers[0]?.endpoint ?? "none"}, tools: ${names}`;
}

export function newLlmSlot(tool: string, spec: LlmSlotSpec, makeProxy: ProxyFactory): LlmSlot {
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
      session: false,
      onSessionMoved: undefined,
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
