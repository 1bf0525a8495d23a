// The Redis store when Redis cannot be used: a malformed REDIS_URL or nothing listening. Calls
// are answered from memory, never fail, and the log says so once. (Real Redis: test/sessions.)
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createRedisStore } from "./redis-store.js";

function logged() {
  const lines: { msg: string; level: number }[] = [];
  const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

describe("Redis store fall-back", () => {
  for (const [what, url] of [
    ["a malformed REDIS_URL", "not a url"],
    ["a REDIS_URL of another scheme", "http://127.0.0.1:1"],
    ["nothing listening at REDIS_URL", "redis://127.0.0.1:1"],
  ] as const)
    it(`${what}: answers from memory and logs it once`, async () => {
      const { logger, lines } = logged();
      const store = createRedisStore(url, logger);
      try {
        expect(await store.claim("k", "agent-a", 60)).toBe("agent-a");
        expect(await store.claim("k", "agent-b", 60)).toBe("agent-a");
        expect(await store.get("k", 60)).toBe("agent-a");
        expect(await store.move("k", "agent-a", "agent-c", 60)).toBe("agent-c");
        for (let i = 0; i < 20; i++) await store.get(`k${i}`, 60);
        expect(store.backend()).toBe("memory");
        const warnings = lines.filter((l) => l.level === 40);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]?.msg).toMatch(/sessions: Redis unavailable/);
      } finally {
        await store.close();
      }
    });

  it("never logs a REDIS_URL password", async () => {
    const { logger, lines } = logged();
    const store = createRedisStore("redis://user:s3cret@127.0.0.1:1", logger);
    await store.get("k", 60);
    await store.close();
    expect(JSON.stringify(lines)).not.toContain("s3cret");
  });
});
