// The registry's one change lane. Changes run in order, each against the state the previous
// one left: computed in memory (staged by the journal, so memory is untouched once compute
// returns), written to the store, and only then applied to memory, pushed to watchers and
// announced to mesh-change listeners. A store that refuses a write leaves memory as it was and
// the caller gets `store_unavailable` (HTTP 503).

import { ErrorCodes, MeshError, type ResolutionUpdate } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Journal } from "./journal.js";
import type { RegistryMetrics } from "./metrics.js";
import type { RegistryStore, WriteBatch } from "./store/store.js";
import type { WatchHub } from "./watch-hub.js";

/** One computed change: what to write, what to do once it is written, and the caller's answer. */
export interface Change<T> {
  batch: WriteBatch;
  result: T;
  deliveries?: ResolutionUpdate[];
  onCommitted?: () => void;
}

/** What a committed change recorded, for the dashboard's push feed. */
export interface MeshChange {
  types: string[];
  agent_ids: string[];
}
export type MeshChangeListener = (change: MeshChange) => void;

export interface ChangeLaneOptions {
  journal: Journal;
  store: RegistryStore;
  watch: WatchHub;
  metrics: RegistryMetrics;
  logger: Logger;
}

/** Changes computed together and written in one store write at most. */
const MAX_GROUP = 64;

interface Queued {
  compute: () => Change<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class ChangeLane {
  /** Listeners told after every committed change that recorded events (the dashboard's feed). */
  private readonly meshListeners = new Set<MeshChangeListener>();
  private queue: Queued[] = [];
  private running = false;

  constructor(private readonly opts: ChangeLaneOptions) {}

  /** Queues one change; resolves to its result once it is durable and applied. */
  run<T>(compute: () => Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ compute, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  /**
   * Changes queued while a write is in flight are computed together, each against the state
   * the previous one left, and written together: one store round trip for the group instead
   * of one each (on PostgreSQL the round trip is most of a change's time).
   */
  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) await this.runGroup(this.queue.splice(0, MAX_GROUP));
    this.running = false;
  }

  private async runGroup(group: Queued[]): Promise<void> {
    const { journal, store, metrics, logger, watch } = this.opts;
    journal.begin();
    const changes: Change<unknown>[] = [];
    let threw: { error: unknown } | undefined;
    let staged: ReturnType<Journal["end"]>;
    try {
      for (const q of group) changes.push(q.compute());
    } catch (error) {
      threw = { error };
    } finally {
      staged = journal.end();
    }
    if (threw) {
      // Nothing of the group was kept: run its changes one by one, so only the failing one fails.
      if (group.length === 1) return group[0]?.reject(threw.error);
      for (const q of group) await this.runGroup([q]);
      return;
    }
    // A refused registration writes nothing, so it is answered even while the store is down.
    const batches = changes.map((c) => c.batch).filter((b) => Object.values(b).some((v) => v.length));
    try {
      if (batches.length) {
        const startedAt = performance.now();
        // Writes queued in one tick share one transaction (both stores group them).
        await Promise.all(batches.map((b) => store.write(b)));
        metrics.storeWriteSeconds.observe((performance.now() - startedAt) / 1000);
      }
    } catch (e) {
      if (group.length > 1) {
        // Changes that write nothing must still apply: retry one by one, so only writers fail.
        for (const q of group) await this.runGroup([q]);
        return;
      }
      metrics.storeWriteFailures.inc();
      logger.error({ err: e }, "store write failed: the change was not applied");
      group[0]?.reject(
        new MeshError(
          ErrorCodes.STORE_UNAVAILABLE,
          `registry store unavailable (${store.kind}): nothing was changed, retry later`,
        ),
      );
      return;
    }
    staged.apply();
    changes.forEach((change, i) => {
      for (const e of change.batch.events ?? []) metrics.events.inc({ type: e.event_type });
      for (const u of change.deliveries ?? []) watch.publish(u);
      metrics.watchPushes.inc(change.deliveries?.length ?? 0);
      change.onCommitted?.();
      this.notifyMesh(change.batch.events ?? []);
      group[i]?.resolve(change.result);
    });
  }

  /** Subscribes to committed changes; returns the unsubscribe function. */
  onMeshChange(listener: MeshChangeListener): () => void {
    this.meshListeners.add(listener);
    return () => this.meshListeners.delete(listener);
  }

  private notifyMesh(events: ReadonlyArray<{ event_type: string; agent_id: string }>): void {
    if (!events.length || !this.meshListeners.size) return;
    const change: MeshChange = {
      types: [...new Set(events.map((e) => e.event_type))],
      agent_ids: [...new Set(events.map((e) => e.agent_id))],
    };
    for (const l of this.meshListeners) {
      try {
        l(change);
      } catch (e) {
        this.opts.logger.error({ err: e }, "mesh change listener failed");
      }
    }
  }
}
