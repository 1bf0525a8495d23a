// Fast-heartbeat (HEAD) times waiting to be written. They are written in batches, once a
// second: losing a second of them on a crash is harmless. A failed write keeps them for the
// next flush, since with replicas the leader's health scan reads them from the store.
import type { RegistryStore } from "./store/store.js";

export class HeartbeatTimes {
  private pending = new Map<string, number>();

  touch(id: string, at: number): void {
    this.pending.set(id, at);
  }

  /** A full heartbeat wrote the agent's row, time included. */
  forget(id: string): void {
    this.pending.delete(id);
  }

  async flush(store: RegistryStore): Promise<void> {
    if (!this.pending.size) return;
    const flushing = this.pending;
    this.pending = new Map();
    try {
      await store.write({ touches: [...flushing].map(([agent_id, updated_at]) => ({ agent_id, updated_at })) });
    } catch (e) {
      for (const [id, at] of flushing) if ((this.pending.get(id) ?? 0) < at) this.pending.set(id, at);
      throw e;
    }
  }
}
