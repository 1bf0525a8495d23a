// MCP_MESH_SESSION_TTL as the Python runtime reads it (default 3600, clamped to 1..86400), and a
// value we had to change is said in the log.
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { lazySessionRouter, sessionTtlSeconds } from "./index.js";

describe("MCP_MESH_SESSION_TTL", () => {
  it("defaults to 3600 and clamps to 1..86400", () => {
    expect(sessionTtlSeconds(undefined)).toBe(3600);
    expect(sessionTtlSeconds("")).toBe(3600);
    expect(sessionTtlSeconds("120")).toBe(120);
    expect(sessionTtlSeconds("0")).toBe(1);
    expect(sessionTtlSeconds("999999")).toBe(86_400);
    expect(sessionTtlSeconds("soon")).toBe(3600);
  });

  it("warns about a value it did not take as given, and says REDIS_URL is unset, once", async () => {
    const lines: { msg: string; level: number }[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const sessions = lazySessionRouter({ MCP_MESH_SESSION_TTL: "soon" }, "default", logger);
    sessions.get();
    sessions.get();
    await sessions.close();
    expect(lines.filter((l) => /MCP_MESH_SESSION_TTL must be whole seconds/.test(l.msg))).toHaveLength(1);
    expect(lines.filter((l) => /REDIS_URL is not set/.test(l.msg))).toHaveLength(1);
  });
});
