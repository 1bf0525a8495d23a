// GET /traffic as a caller meets it with tracing off and with bad input: a clear answer, never
// a 5xx. (The traffic itself, from real agents over Redis, is in test/web/dashboard-traces.)
import { afterEach, describe, expect, it } from "vitest";
import { windowSeconds } from "../src/routes/traffic.js";
import { cleanup, startRegistry, type TestRegistry } from "./fixtures.js";

const open: TestRegistry[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.close().catch(() => {});
    cleanup(r.dir);
  }
});

describe("GET /traffic", () => {
  it("says tracing is off, with an empty view, rather than failing", async () => {
    const reg = await startRegistry();
    open.push(reg);
    const r = await reg.get("/traffic?window=1h");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ enabled: false, window_seconds: 3600, total_calls: 0, edges: [] });
    expect(r.json.reason).toContain("MCP_MESH_DISTRIBUTED_TRACING_ENABLED");
  });

  it("refuses a window it cannot answer with a 400 naming the accepted forms", async () => {
    const reg = await startRegistry();
    open.push(reg);
    for (const bad of ["abc", "0", "2h", "-5", "5d", "99999999999"]) {
      const r = await reg.get(`/traffic?window=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(JSON.stringify(r.json)).toContain("window must be between 10s and 1h");
    }
    expect((await reg.get("/traffic?window=60&window=120")).status).toBe(400);
    expect((await reg.get("/traffic/stream?window=nope")).status).toBe(400);
  });

  it("reads seconds, minutes and hours", () => {
    expect(windowSeconds(undefined)).toBe(300);
    expect(windowSeconds("90")).toBe(90);
    expect(windowSeconds("15m")).toBe(900);
    expect(windowSeconds("1h")).toBe(3600);
  });
});
