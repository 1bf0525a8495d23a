// Writes are limited per credential: one noisy client gets 429 with Retry-After, another
// credential's writes keep going.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AuthRegistry, startAuthRegistry } from "./registry-process.js";

const NOISY = "noisy-token-0123456789";
const QUIET = "quiet-token-0123456789";
let dir: string;
let reg: AuthRegistry;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mesh-rate-"));
  reg = await startAuthRegistry(join(dir, "reg.db"), {
    MCP_MESH_REGISTRY_TOKEN: `${NOISY},${QUIET}`,
    // One token back per 100 s: no refill during the test, however slow the machine.
    MCP_MESH_REGISTRY_WRITE_RATE: "0.01",
    MCP_MESH_REGISTRY_WRITE_BURST: "5",
  });
}, 30_000);

afterAll(async () => {
  await reg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const head = (token: string) =>
  fetch(`${reg.url}/heartbeat/nobody`, { method: "HEAD", headers: { authorization: `Bearer ${token}` } });

it("answers 429 with Retry-After past a credential's burst, and other credentials keep writing", async () => {
  const statuses: number[] = [];
  let limited: Response | undefined;
  for (let i = 0; i < 8; i++) {
    const r = await head(NOISY);
    statuses.push(r.status);
    if (r.status === 429) limited ??= r;
  }
  // 410: the agent is unknown, which is the answer a write within the limit gets.
  expect(statuses.slice(0, 5)).toEqual([410, 410, 410, 410, 410]);
  expect(statuses.slice(5)).toEqual([429, 429, 429]);
  expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect((await head(QUIET)).status).toBe(410);
  // Reads are not writes: the noisy client can still look.
  const read = await fetch(`${reg.url}/agents`, { headers: { authorization: `Bearer ${NOISY}` } });
  expect(read.status).toBe(200);
});
