// What makes PostgreSQL replicas one registry: the change feed (LISTEN/NOTIFY on the seq of
// each committed mesh_changes row; the rows themselves are read in seq order, so a missed or
// coalesced notification loses nothing) and the leader lock (a session advisory lock: held
// while the leader's connection lives, free for another replica the moment it dies).
import pg from "pg";
import { CHANNEL, LOCKS } from "./postgres-locks.js";
import type { PostgresStore } from "./postgres-store.js";
import type { RemoteChange } from "./store.js";

const RETRY_MS = 1000;
const PAGE = 500;

function client(url: string): pg.Client {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
  // A dropped connection is handled by its owner (reconnect / lose leadership), never thrown.
  c.on("error", () => {});
  return c;
}

/**
 * Follows other replicas' changes from `fromSeq`: each page of feed rows becomes one
 * RemoteChange (current rows of the agents named), applied before the position moves on, so
 * a change that could not be applied (database down) is read again later.
 */
export async function follow(
  store: PostgresStore,
  fromSeq: number,
  apply: (change: RemoteChange) => Promise<void>,
): Promise<() => Promise<void>> {
  let last = fromSeq;
  let stopped = false;
  let listener: pg.Client | undefined;
  let reading: Promise<void> | undefined;
  let again = false;
  let retry: NodeJS.Timeout | undefined;

  const readPage = async (): Promise<boolean> => {
    const { rows } = await store.pool.query(
      "SELECT seq, origin, agents, told FROM mesh_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
      [last, PAGE],
    );
    if (!rows.length) return false;
    const agents = new Set<string>();
    const told = new Set<string>();
    for (const r of rows) {
      if (r.origin === store.replicaId) continue;
      for (const id of JSON.parse(String(r.agents)) as string[]) agents.add(id);
      for (const id of JSON.parse(String(r.told)) as string[]) told.add(id);
    }
    if (agents.size || told.size) await apply(await store.readAgents([...agents], [...told]));
    last = Number(rows[rows.length - 1]?.seq);
    return rows.length === PAGE;
  };

  const catchUp = (): Promise<void> => {
    if (reading) {
      again = true;
      return reading;
    }
    reading = (async () => {
      try {
        do {
          again = false;
          while (!stopped && (await readPage()));
        } while (again && !stopped);
      } catch {
        // Database unreachable or the change refused: read the same rows again shortly.
        if (!stopped && !retry) {
          retry = setTimeout(() => {
            retry = undefined;
            void catchUp();
          }, RETRY_MS);
        }
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };

  const listen = async (): Promise<void> => {
    while (!stopped) {
      const c = client(store.url);
      try {
        await c.connect();
        await c.query(`LISTEN ${CHANNEL}`);
      } catch {
        await c.end().catch(() => {});
        await new Promise((r) => setTimeout(r, RETRY_MS));
        continue;
      }
      let lost = false;
      const onLost = () => {
        if (lost || stopped) return;
        lost = true;
        listener = undefined;
        void c.end().catch(() => {});
        void listen();
      };
      c.on("notification", () => void catchUp());
      c.on("error", onLost);
      c.on("end", onLost);
      listener = c;
      // Whatever was committed while we were not listening.
      await catchUp();
      return;
    }
  };

  await listen();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await reading;
    await listener?.end().catch(() => {});
  };
}

/** The leader lock: pg_try_advisory_lock on a connection of its own. */
export class LeaderLock {
  private conn: pg.Client | undefined;
  private held = false;

  constructor(private readonly url: string) {}

  /** True while this replica leads; takes the lock when it is free. */
  async holds(): Promise<boolean> {
    try {
      if (!this.conn) {
        const c = client(this.url);
        c.on("error", () => this.drop(c));
        c.on("end", () => this.drop(c));
        await c.connect();
        this.conn = c;
      }
      const c = this.conn;
      if (this.held) {
        await c.query("SELECT 1");
        return true;
      }
      const { rows } = await c.query("SELECT pg_try_advisory_lock($1) AS ok", [LOCKS.leader]);
      this.held = rows[0]?.ok === true;
      return this.held;
    } catch {
      if (this.conn) this.drop(this.conn);
      return false;
    }
  }

  private drop(c: pg.Client): void {
    if (this.conn !== c) return;
    this.conn = undefined;
    this.held = false;
    void c.end().catch(() => {});
  }

  async release(): Promise<void> {
    const c = this.conn;
    this.conn = undefined;
    this.held = false;
    await c?.end().catch(() => {});
  }
}
