// Staged changes to the registry's memory. A change is computed against memory as it is (the
// resolver needs the new topology in place) and recorded, so it can be taken out again and put
// back: memory never keeps what the store refused, and readers never see a change that is not
// durable. While staged changes are being written, later ones are computed on top of them; the
// change lane (change-lane.ts) decides when staged changes are in memory and when they are out.

import type { AgentRecord } from "./model.js";
import type { Topology } from "./topology.js";

/** A participant's recorded changes: put them in place again, or take them out again. */
interface Settled {
  redo(): void;
  undo(): void;
}

interface Participant {
  /**
   * Returns how to redo and undo this participant's changes since begin(); with `revert` they
   * are also taken out now, else they stay in memory.
   */
  settle(revert: boolean): Settled;
}

export interface Staged {
  /** Puts the changes in memory (for good once durable, or for a moment to compute on top). */
  apply(): void;
  /** Takes them out again. Several staged sets are reverted in the reverse order of applying. */
  revert(): void;
}

export class Journal {
  private readonly parts = new Set<Participant>();
  private recording = false;

  get active(): boolean {
    return this.recording;
  }

  touch(p: Participant): void {
    this.parts.add(p);
  }

  begin(): void {
    this.recording = true;
  }

  /**
   * Everything changed since begin(), to apply and revert as a whole. With `revert` (the
   * default) it is taken out of memory now; otherwise it stays in, applied.
   */
  end(revert = true): Staged {
    this.recording = false;
    const settled = [...this.parts].map((p) => p.settle(revert));
    this.parts.clear();
    return {
      apply: () => {
        for (const p of settled) p.redo();
      },
      // Participants hold disjoint state (each its own keys), so their order does not matter.
      revert: () => {
        for (const p of settled) p.undo();
      },
    };
  }
}

const ABSENT: unique symbol = Symbol("absent");
type Slot<V> = V | typeof ABSENT;

export class JournaledMap<K, V> extends Map<K, V> implements Participant {
  private readonly before = new Map<K, Slot<V>>();
  private journal: Journal | undefined;

  static on<K, V>(journal: Journal): JournaledMap<K, V> {
    const m = new JournaledMap<K, V>();
    m.journal = journal;
    return m;
  }

  override set(key: K, value: V): this {
    this.note(key);
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.note(key);
    return super.delete(key);
  }

  private note(key: K): void {
    if (!this.journal?.active || this.before.has(key)) return;
    this.before.set(key, super.has(key) ? (super.get(key) as V) : ABSENT);
    this.journal.touch(this);
  }

  settle(revert: boolean): Settled {
    const changes: Array<[K, Slot<V>, Slot<V>]> = [];
    for (const [key, was] of this.before) {
      changes.push([key, was, super.has(key) ? (super.get(key) as V) : ABSENT]);
      if (revert) this.put(key, was);
    }
    this.before.clear();
    return {
      redo: () => {
        for (const [key, , value] of changes) this.put(key, value);
      },
      undo: () => {
        for (const [key, was] of changes) this.put(key, was);
      },
    };
  }

  private put(key: K, value: Slot<V>): void {
    if (value === ABSENT) super.delete(key);
    else super.set(key, value);
  }
}

/** A Set journaled like the map (a set is a map to `true`). */
export class JournaledSet<T> implements Participant {
  private readonly map: JournaledMap<T, true>;
  constructor(journal: Journal) {
    this.map = JournaledMap.on(journal);
  }
  add(v: T): void {
    this.map.set(v, true);
  }
  delete(v: T): void {
    this.map.delete(v);
  }
  has(v: T): boolean {
    return this.map.has(v);
  }
  settle(revert: boolean): Settled {
    return this.map.settle(revert);
  }
}

/** The topology's mutations, journaled per agent: its record and its status. */
export class JournaledTopology implements Participant {
  private readonly before = new Map<string, { record: AgentRecord; status: AgentRecord["status"] } | null>();

  constructor(
    readonly topo: Topology,
    private readonly journal: Journal,
  ) {}

  put(agent: AgentRecord): void {
    this.note(agent.agent_id);
    this.topo.put(agent);
  }

  remove(id: string): void {
    this.note(id);
    this.topo.remove(id);
  }

  setStatus(id: string, status: AgentRecord["status"]): void {
    this.note(id);
    this.topo.setStatus(id, status);
  }

  private note(id: string): void {
    if (!this.journal.active || this.before.has(id)) return;
    const a = this.topo.get(id);
    this.before.set(id, a ? { record: a, status: a.status } : null);
    this.journal.touch(this);
  }

  settle(revert: boolean): Settled {
    type State = { record: AgentRecord; status: AgentRecord["status"] } | null;
    const changes: Array<[string, State, State]> = [];
    for (const [id, was] of this.before) {
      const a = this.topo.get(id);
      changes.push([id, was, a ? { record: a, status: a.status } : null]);
      if (revert) this.restore(id, was);
    }
    this.before.clear();
    return {
      redo: () => {
        for (const [id, , state] of changes) this.restore(id, state);
      },
      undo: () => {
        for (const [id, was] of changes) this.restore(id, was);
      },
    };
  }

  private restore(id: string, state: { record: AgentRecord; status: AgentRecord["status"] } | null): void {
    if (!state) return void this.topo.remove(id);
    // A status change keeps the same record: set the field, keep the agent's place in the map.
    if (this.topo.get(id) !== state.record) this.topo.put(state.record);
    this.topo.setStatus(id, state.status);
  }
}
