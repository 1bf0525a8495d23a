// Subscribers of GET /watch/{agent_id}: the registry pushes an agent's new resolution the moment
// it changes, instead of waiting for the agent's next HEAD → 202 → POST round.
import type { ResolutionUpdate } from "@mcp-mesh/protocol";

export type WatchListener = (update: ResolutionUpdate) => void;

export class WatchHub {
  private readonly listeners = new Map<string, Set<WatchListener>>();

  subscribe(agentId: string, listener: WatchListener): () => void {
    let set = this.listeners.get(agentId);
    if (!set) this.listeners.set(agentId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(agentId);
    };
  }

  watching(agentId: string): boolean {
    return this.listeners.has(agentId);
  }

  publish(update: ResolutionUpdate): void {
    for (const l of this.listeners.get(update.agent_id) ?? []) l(update);
  }

  get connections(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
