// The registry's one change lane. Changes run one at a time, each against the state the
// previous one left: computed in memory (staged by the journal, so memory is untouched once
// compute returns), written to the store, and only then applied to memory, pushed to watchers
// and announced to mesh-change listeners. A store that refuses a write leaves memory as it was
// and the caller gets `store_unavailable` (HTTP 503).

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

export class ChangeLane {
  /** Listeners told after every committed change that recorded events (the dashboard's feed). */
  private readonly meshListeners = new Set<MeshChangeListener>();
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ChangeLaneOptions) {}

  /** Queues one change; resolves to its result once it is durable and applied. */
  run<T>(compute: () => Change<T>): Promise<T> {
    const next = this.tail.then(
      () => this.runNow(compute),
      () => this.runNow(compute),
    );
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async runNow<T>(compute: () => Change<T>): Promise<T> {
    const { journal, store, metrics, logger, watch } = this.opts;
    journal.begin();
    let change: Change<T>;
    let staged: ReturnType<Journal["end"]>;
    try {
      change = compute();
    } finally {
      staged = journal.end();
    }
    try {
      // A refused registration writes nothing, so it is answered even while the store is down.
      if (Object.values(change.batch).some((v) => v.length)) {
        const startedAt = performance.now();
        await store.write(change.batch);
        metrics.storeWriteSeconds.observe((performance.now() - startedAt) / 1000);
      }
    } catch (e) {
      metrics.storeWriteFailures.inc();
      logger.error({ err: e }, "store write failed: the change was not applied");
      throw new MeshError(
        ErrorCodes.STORE_UNAVAILABLE,
        `registry store unavailable (${store.kind}): nothing was changed, retry later`,
      );
    }
    staged.apply();
    for (const e of change.batch.events ?? []) metrics.events.inc({ type: e.event_type });
    for (const u of change.deliveries ?? []) watch.publish(u);
    metrics.watchPushes.inc(change.deliveries?.length ?? 0);
    change.onCommitted?.();
    this.notifyMesh(change.batch.events ?? []);
    return change.result;
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
