// In which order one call tries a dependency's providers: equal replicas in rotation, the
// least loaded first, then the ranked fall-backs; ejected endpoints last.
import type { OutlierTracker } from "./outlier.js";
import type { Provider, Slot } from "./wiring.js";

/**
 * The providers one call tries, in order (advances the slot's rotation), and how many of them
 * lead the list as live (the rest are ejected).
 */
export function providerOrder(
  slot: Slot,
  outliers: OutlierTracker | undefined,
  selfId: string,
): { order: readonly Provider[]; live: number } {
  const order = callOrder(slot, outliers);
  return outliers ? ejectedLast(order, outliers, selfId) : { order, live: order.length };
}

/** Admitted providers in their order, then the ejected ones (admit also starts due probes). */
function ejectedLast(
  order: readonly Provider[],
  outliers: OutlierTracker,
  selfId: string,
): { order: readonly Provider[]; live: number } {
  const now = performance.now();
  const live: Provider[] = [];
  const ejected: Provider[] = [];
  for (const p of order) (p.agentId === selfId || outliers.admit(p.endpoint, now) ? live : ejected).push(p);
  return { order: ejected.length === 0 ? live : live.concat(ejected), live: live.length };
}

/**
 * Equal replicas in rotation, the one with fewest calls in flight first (a replica that hangs
 * collects unanswered calls, so new ones go elsewhere before any timeout), then the ranked
 * fall-backs.
 */
function callOrder(slot: Slot, outliers: OutlierTracker | undefined): readonly Provider[] {
  const { providers, equalCount } = slot.target;
  if (providers.length <= 1) return providers;
  const n = Math.max(1, Math.min(equalCount, providers.length));
  const start = slot.cursor++ % n;
  if (slot.cursor > 1e9) slot.cursor = 0;
  const order: Provider[] = [];
  for (let i = 0; i < n; i++) order.push(providers[(start + i) % n] as Provider);
  if (outliers && n > 1) order.sort((x, y) => outliers.compare(x.endpoint, y.endpoint)); // stable: ties keep rotation
  for (let i = n; i < providers.length; i++) order.push(providers[i] as Provider);
  return order;
}
