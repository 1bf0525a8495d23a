// The registry client given several registries (replicas): real HTTP servers on loopback, one
// that refuses connections, one that answers 503 (its store is down), one that works.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createRegistryClient } from "./registry-client.js";

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(status: number, body: unknown): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nobody listens on: bound, then closed. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

describe("registry client over several registries", () => {
  it("skips a registry that refuses connections or answers 5xx, and says which one answered", async () => {
    const dead = await deadUrl();
    const broken = await serve(503, { error: "store unavailable" });
    const good = await serve(200, { agents: [{ id: "a-1", name: "a" }] });
    const client = createRegistryClient([dead, broken, good], 2000);
    expect((await client.agents()).map((a) => a.id)).toEqual(["a-1"]);
    expect(client.url).toBe(good);
    expect(await client.isUp()).toBe(true);
  });

  it("when none answers, one error lists each registry and why", async () => {
    const a = await deadUrl();
    const b = await serve(503, { error: "store unavailable" });
    const client = createRegistryClient([a, b], 2000);
    await expect(client.agents()).rejects.toThrow(
      `the registry at ${b} answered 503 to GET /agents: store unavailable`,
    );
    const c = await deadUrl();
    await expect(createRegistryClient([a, c], 2000).agents()).rejects.toThrow(
      `cannot reach any of the registries (${a}: connection refused; ${c}: connection refused)`,
    );
    expect(await createRegistryClient([a, c], 2000).isUp()).toBe(false);
  });
});
