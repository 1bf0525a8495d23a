// The registry's one change lane. Changes run in order, each against the state the previous
// one left: computed in memory (recorded by the journal), written to the store, and only then
// durable in memory, pushed to watchers and announced to mesh-change listeners. A store that
// refuses a write leaves memory as it was and the caller gets `store_unavailable` (HTTP 503).
//
// Changes computed but not yet durable may stay in memory between runs of the lane ("ahead"),
// so the next group computes on top of them without putting them back first. Everything that
// reads memory from outside the lane calls durable() first (RegistryCore's readers do), which
// takes them out; the lane puts them back when it next computes. In a burst of registrations
// nothing reads in between, and putting staged changes back and taking them out again for every
// group was ~6 % of a registration's CPU.

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

/** Changes computed together, staged in the journal, committed in one transaction. */
interface Group {
  items: Queued[];
  changes: Change<unknown>[];
  staged: Staged;
}

export class ChangeLane {
  /** Listeners told after every committed change that recorded events (the dashboard's feed). */
  private readonly meshListeners = new Set<MeshChangeListener>();
  private readonly queue: Queued[] = [];
  /** Groups the store is writing now (one transaction), oldest first. */
  private writing: Group[] | null = null;
  /** Groups computed on top of those being written, waiting for the next transaction. */
  private computed: Group[] = [];
  /** Staged sets in memory beyond what is durable, oldest first: a prefix of writing + computed. */
  private ahead: Staged[] = [];
  private scheduled = false;

  constructor(private readonly opts: ChangeLaneOptions) {}

  /**
   * Takes every change that is not durable yet out of memory: what a reader may see. Cheap when
   * there is none; never call it from inside a compute.
   */
  durable(): void {
    for (let i = this.ahead.length - 1; i >= 0; i--) this.ahead[i]?.revert();
    this.ahead = [];
  }

  /** Queues one change; resolves to its result once it is durable and applied. */
  run<T>(compute: () => Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ compute, resolve: resolve as (v: unknown) => void, reject });
      // During a write, wait for this round of I/O: the changes arriving in it form one group,
      // computed on top of the staged ones once (putting those back is not free).
      this.schedule(this.writing !== null);
    });
  }

  private schedule(yieldFirst: boolean): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After a full compute budget, let I/O (a HEAD heartbeat) run before the next group.
    if (yieldFirst) setImmediate(() => this.pump());
    else queueMicrotask(() => this.pump());
  }

  /**
   * Computes one group from the queue: every change of it against the state the ones before it
   * left (one journal), on top of the groups still being written or waiting to be (put back in
   * memory first if a reader took them out). The store writes while the event loop computes:
   * changes that arrive during a write are computed at once and go into the next transaction,
   * which starts as soon as the current one is durable. A store without group commit gets one
   * change per transaction and no computing ahead.
   */
  private pump(): void {
    this.scheduled = false;
    const pipelined = this.opts.store.groupCommit === true;
    if (!this.queue.length || (!pipelined && this.writing)) return;
    const base = [...(this.writing ?? []), ...this.computed].map((g) => g.staged);
    if (!sameList(this.ahead, base)) {
      this.durable();
      for (const staged of base) staged.apply();
      this.ahead = base;
    }
    const group = this.compute(pipelined ? MAX_GROUP : 1);
    if (group) {
      this.computed.push(group);
      this.ahead.push(group.staged);
    }
    if (!this.writing) this.writeComputed();
    if (this.queue.length && (pipelined || !this.writing)) this.schedule(true);
  }

  /**
   * Null when a compute threw: that change fails alone, the others are queued again. The
   * group's changes stay in memory (the caller records them as ahead).
   */
  private compute(maxSize: number): Group | null {
    const { journal } = this.opts;
    const items: Queued[] = [];
    const changes: Change<unknown>[] = [];
    let thrown: { index: number; error: unknown } | null = null;
    let staged: Staged;
    const started = performance.now();
    journal.begin();
    try {
      while (items.length < maxSize && this.queue.length) {
        if (items.length && performance.now() - started > GROUP_BUDGET_MS) break;
        const item = this.queue.shift() as Queued;
        items.push(item);
        try {
          changes.push(item.compute());
        } catch (error) {
          thrown = { index: items.length - 1, error };
          break;
        }
      }
    } finally {
      staged = journal.end(false);
    }
    if (!thrown) return { items, changes, staged };
    // The failed compute left half a change in memory: take the group out, fail that change
    // alone and compute the others again.
    staged.revert();
    const failed = thrown.index;
    items[failed]?.reject(thrown.error);
    this.queue.unshift(...items.filter((_, i) => i !== failed));
    return null;
  }

  /** Writes every computed group in one tick (one transaction); commits them once durable. */
  private writeComputed(): void {
    const groups = this.computed;
    if (!groups.length) return;
    this.computed = [];
    this.writing = groups;
    const { store, metrics } = this.opts;
    const startedAt = performance.now();
    const batches = groups.flatMap((g) => g.changes.filter((c) => hasWrites(c.batch)).map((c) => c.batch));
    void Promise.allSettled(batches.map((b) => store.write(b))).then((written) => {
      this.writing = null;
      const failed = written.find((w): w is PromiseRejectedResult => w.status === "rejected");
      if (failed) this.fail(groups, failed.reason);
      else {
        if (batches.length) metrics.storeWriteSeconds.observe((performance.now() - startedAt) / 1000);
        for (const g of groups) this.commit(g);
      }
      this.writeComputed();
      if (this.queue.length) this.schedule(false);
    });
  }

  /**
   * The transaction failed: the changes of the first group that wrote get 503. Every other
   * change in it, and every one computed since, saw state that is not durable (or wrote nothing
   * and may have staged memory we now drop): they are computed again, in their order.
   */
  private fail(groups: Group[], reason: unknown): void {
    const { store, metrics, logger } = this.opts;
    const culprit = groups.find((g) => g.changes.some((c) => hasWrites(c.batch)));
    const refused = new Set<Queued>();
    culprit?.changes.forEach((c, i) => {
      const item = culprit.items[i];
      if (item && hasWrites(c.batch)) refused.add(item);
    });
    const again = [...groups, ...this.computed].flatMap((g) => g.items).filter((item) => !refused.has(item));
    this.durable();
    this.computed = [];
    this.queue.unshift(...again);
    metrics.storeWriteFailures.inc();
    logger.error({ err: reason, changes: refused.size }, "store write failed: the change was not applied");
    const error = new MeshError(
      ErrorCodes.STORE_UNAVAILABLE,
      `registry store unavailable (${store.kind}): nothing was changed, retry later`,
    );
    for (const item of refused) item.reject(error);
  }

  /** The group is durable: apply it to memory, push what it changed, answer its callers. */
  private commit({ items, changes, staged }: Group): void {
    const { metrics, watch } = this.opts;
    // Still in memory from its compute (the oldest of those ahead), unless a reader took it out.
    if (this.ahead[0] === staged) this.ahead.shift();
    else {
      this.durable();
      staged.apply();
    }
    for (const [i, change] of changes.entries()) {
      for (const e of change.batch.events ?? []) metrics.events.inc({ type: e.event_type });
      for (const u of change.deliveries ?? []) watch.publish(u);
      metrics.watchPushes.inc(change.deliveries?.length ?? 0);
      change.onCommitted?.();
      this.notifyMesh(change.batch.events ?? []);
      items[i]?.resolve(change.result);
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

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function hasWrites(batch: WriteBatch): boolean {
  return Object.values(batch).some((v) => v.length);
}
