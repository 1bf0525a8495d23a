// The SQLite writer checkpoints the WAL when it is idle, not inside a commit (sqlite-writer.ts):
// a burst leaves its pages in the WAL, a quiet moment copies them into the database file, and
// the data reads back from a fresh store either way.
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistry, openSqliteStore } from "../src/index.js";
import { agent, cleanup, tool } from "./fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mesh-wal-"));
afterAll(() => cleanup(dir));
const path = join(dir, "registry.db");
const size = (file: string) => statSync(file).size;

describe("the SQLite writer's checkpoints", () => {
  it("copies a burst from the WAL into the database once writes pause, and keeps every row", async () => {
    const registry = await createRegistry({
      store: openSqliteStore(path),
      timers: false,
      logger: pino({ level: "silent" }),
    });
    try {
      const empty = size(path);
      // ~1 MB of registrations: far more than a page, far less than the WAL limit.
      const description = "x".repeat(200);
      const posts = Array.from({ length: 500 }, (_, i) =>
        registry.core.fullHeartbeat(
          agent(`burst-${i}-${(0x10000000 + i).toString(16)}`, [tool("get_date", "date_service", { description })]),
        ),
      );
      for (const p of await Promise.all(posts)) expect(p.body.status).toBe("success");
      expect(size(`${path}-wal`)).toBeGreaterThan(500_000);
      // Quiet: the writer checkpoints within its idle time (200 ms); allow a loaded machine more.
      const deadline = Date.now() + 10_000;
      while (size(path) < empty + 500_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(size(path)).toBeGreaterThan(empty + 500_000);
    } finally {
      await registry.close();
    }
    const again = openSqliteStore(path);
    try {
      expect((await again.load()).agents).toHaveLength(500);
    } finally {
      await again.close();
    }
  });
});
