// Which registry the agent talks to when it was given several (MCP_MESH_REGISTRY_URL
// comma-separated): one at a time, the next in order when it stops answering. Round robin, no
// preference for the first: a registry that comes back is used again only when the agent's
// current one fails in turn, so a flapping replica does not pull agents back and forth.
import { isMeshError } from "@mcp-mesh/protocol";

export interface RegistryRing {
  readonly size: number;
  current(): string;
  /** Moves on to the next registry (after `current()` stopped answering) and returns it. */
  next(why: string): string;
}

export function createRegistryRing(
  urls: readonly string[],
  onMove: (from: string, to: string, why: string) => void = () => undefined,
): RegistryRing {
  if (urls.length === 0) throw new RangeError("a registry ring needs at least one URL");
  let at = 0;
  return {
    size: urls.length,
    current: () => urls[at] as string,
    next(why) {
      const from = urls[at] as string;
      at = (at + 1) % urls.length;
      const to = urls[at] as string;
      if (to !== from) onMove(from, to, why);
      return to;
    },
  };
}

/**
 * Whether a failed registry request means "this registry is not answering" (connection
 * refused/reset, timeout, 5xx such as 503 store_unavailable) rather than a refusal another
 * registry of the same mesh would repeat (400, 401, 403, 429).
 */
export function registryDown(failure: unknown): boolean {
  if (typeof failure === "number") return failure === 0 || failure >= 500;
  if (!isMeshError(failure)) return true;
  const status = failure.details?.status;
  return typeof status !== "number" || status >= 500;
}

/** The reason a switch is logged with: what the old registry did. */
export function downReason(failure: unknown): string {
  if (typeof failure === "number") return failure === 0 ? "no answer" : `answered ${failure}`;
  const e = failure as { code?: string; message?: string; cause?: { code?: string } };
  const status = isMeshError(failure) ? failure.details?.status : undefined;
  if (typeof status === "number") return `answered ${status}`;
  return e?.cause?.code ?? e?.code ?? e?.message ?? "no answer";
}
