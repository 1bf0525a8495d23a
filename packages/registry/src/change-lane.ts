// The registry's one change lane. Changes run in order, each against the state the previous
// one left: computed in memory (staged by the journal, so memory is untouched once compute
// returns), written to the store, and only then applied to memory, pushed to watchers and
// announced to mesh-change listeners. A store that refuses a write leaves memory as it was and
// the caller gets `store_unavailable` (HTTP 503).

import { ErrorCodes, MeshError, type ResolutionUpdate } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Journal, Staged } from "./journal.js";
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

/**
 * A group is computed in one synchronous run, so its size bounds how long the event loop is
 * held (a HEAD heartbeat waits behind it): stop adding changes after this much compute time.
 */
const GROUP_BUDGET_MS = 4;
const MAX_GROUP = 64;

interface Queued {
  compute: () => Change<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class ChangeLane {
  /** Listeners told after every committed change that recorded events (the dashboard's feed). */
  private readonly meshListeners = new Set<MeshChangeListener>();
  private readonly queue: Queued[] = [];
  private busy = false;

  constructor(private readonly opts: ChangeLaneOptions) {}

  /** Queues one change; resolves to its result once it is durable and applied. */
  run<T>(compute: () => Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ compute, resolve: resolve as (v: unknown) => void, reject });
      if (!this.busy) {
        this.busy = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  /**
   * Runs queued changes in groups: every change of a group is computed against the state the
   * ones before it left (one journal), their batches are written in one tick so the store
   * commits them as one transaction, and the group is applied only once all of it is durable.
   * Changes that queue while a group is being written form the next group: under a burst of
   * registrations this turns one commit per registration into one per group.
   */
  private async drain(): Promise<void> {
    const size = this.opts.store.groupCommit ? MAX_GROUP : 1;
    try {
      while (this.queue.length) await this.runGroup(size);
    } finally {
      this.busy = false;
    }
  }

  private async runGroup(maxSize: number): Promise<void> {
    const { journal, store, metrics, logger, watch } = this.opts;
    const group: Queued[] = [];
    const changes: Change<unknown>[] = [];
    let thrown: { index: number; error: unknown } | null = null;
    let staged: Staged;
    const started = performance.now();
    journal.begin();
    try {
      while (group.length < maxSize && this.queue.length) {
        if (group.length && performance.now() - started > GROUP_BUDGET_MS) break;
        const item = this.queue.shift() as Queued;
        group.push(item);
        try {
          changes.push(item.compute());
        } catch (error) {
          thrown = { index: group.length - 1, error };
          break;
        }
      }
    } finally {
      staged = journal.end();
    }
    if (thrown) {
      // The failed compute left half a change in the journal, now dropped with the group's
      // staging: fail that change alone and recompute the others in the next group.
      const failed = thrown.index;
      group[failed]?.reject(thrown.error);
      this.queue.unshift(...group.filter((_, i) => i !== failed));
      return;
    }
    // A refused registration writes nothing, so it is answered even while the store is down
    // (unless a change before it in the group, whose state it saw, could not be written).
    const firstWriter = changes.findIndex((c) => hasWrites(c.batch));
    if (firstWriter >= 0) {
      const startedAt = performance.now();
      const written = await Promise.allSettled(
        changes.filter((c) => hasWrites(c.batch)).map((c) => store.write(c.batch)),
      );
      const failed = written.find((w): w is PromiseRejectedResult => w.status === "rejected");
      if (failed) {
        metrics.storeWriteFailures.inc();
        logger.error({ err: failed.reason, changes: group.length }, "store write failed: the change was not applied");
        const error = new MeshError(
          ErrorCodes.STORE_UNAVAILABLE,
          `registry store unavailable (${store.kind}): nothing was changed, retry later`,
        );
        for (const [i, item] of group.entries()) {
          if (i >= firstWriter) {
            item.reject(error);
            continue;
          }
          changes[i]?.onCommitted?.();
          item.resolve(changes[i]?.result);
        }
        return;
      }
      metrics.storeWriteSeconds.observe((performance.now() - startedAt) / 1000);
    }
    staged.apply();
    for (const [i, change] of changes.entries()) {
      for (const e of change.batch.events ?? []) metrics.events.inc({ type: e.event_type });
      for (const u of change.deliveries ?? []) watch.publish(u);
      metrics.watchPushes.inc(change.deliveries?.length ?? 0);
      change.onCommitted?.();
      this.notifyMesh(change.batch.events ?? []);
      group[i]?.resolve(change.result);
    }
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

function hasWrites(batch: WriteBatch): boolean {
  return Object.values(batch).some((v) => v.length);
}
