// The test servers' start-up (scripts/local-service.mjs): a server that cannot bind says why,
// in its own words, and a port taken between our probe and the server's bind costs a retry on
// another port, not a failed suite (CI saw "redis-server did not start" with an empty log).
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOnFreePort, startServer } from "../../scripts/local-service.mjs";
import { pings, redisServerBinary } from "../../scripts/redis.mjs";

const bin = redisServerBinary();
if (!bin && /^(1|true)$/i.test(process.env.CI ?? "")) throw new Error("redis-server is required under CI");

describe.skipIf(!bin)("starting a test server", () => {
  let squatter: Server;
  let taken: number;
  beforeAll(async () => {
    squatter = createServer((s) => s.destroy());
    await new Promise<void>((r) => squatter.listen(0, "127.0.0.1", r));
    taken = (squatter.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => squatter.close(() => r())));

  const redis = (port: number) =>
    startServer({
      name: `redis-server on port ${port}`,
      bin: bin as string,
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ready: () => pings(port),
    });

  it("a server that exits at once fails with what it printed (Redis writes to stdout)", async () => {
    await expect(redis(taken)).rejects.toThrow(
      /redis-server on port \d+ did not start: exited \(1\): .*(in use|bind)/is,
    );
  });

  it("a port taken before the bind is retried on another free port", async () => {
    const tried: number[] = [];
    const { port, server } = await startOnFreePort((p) => {
      tried.push(p);
      return redis(tried.length === 1 ? taken : p);
    });
    try {
      expect(tried).toHaveLength(2);
      expect(port).toBe(tried[1]);
      expect(await pings(port)).toBe(true);
    } finally {
      await server.stop();
    }
    expect(await pings(port)).toBe(false);
  });

  it("gives up after the attempts it was given, with the last server's words", async () => {
    let calls = 0;
    await expect(
      startOnFreePort(() => {
        calls++;
        return redis(taken);
      }, 2),
    ).rejects.toThrow(/did not start: exited/);
    expect(calls).toBe(2);
  });
});
