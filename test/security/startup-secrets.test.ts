// Credentials inside URLs never reach the registry's output: a DATABASE_URL with a password is
// shown without it when the registry cannot open it (and in its "registry listening" line);
// a SQLite path is shown as it is.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { safeDatabaseUrl } from "@mcp-mesh/protocol";
import { afterAll, expect, it } from "vitest";
import { freePort } from "../interop/processes.js";
import { startAuthRegistry } from "./registry-process.js";

const BIN = fileURLToPath(new URL("../../packages/registry/bin/mcp-mesh-registry.js", import.meta.url));
const CANARY = "canary-db-password-7f3a";
const dir = mkdtempSync(join(tmpdir(), "mesh-startup-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runRegistry(env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN],
      { env: { ...process.env, HOST: "127.0.0.1", ...env }, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }),
    );
  });
}

it("names a database it cannot open without the URL's password", async () => {
  const port = await freePort();
  const r = await runRegistry({
    PORT: String(port),
    DATABASE_URL: `postgres://mesh:${CANARY}@127.0.0.1:${await freePort()}/mesh`,
  });
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/cannot open database postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/mesh/);
  expect(r.out).not.toContain(CANARY);
});

it("logs a SQLite path as it is", async () => {
  const db = join(dir, "reg.db");
  const reg = await startAuthRegistry(db, {});
  try {
    // The line follows the listen that /health already answered on: wait for it to arrive.
    for (let i = 0; i < 50 && !reg.output().includes("registry listening"); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(reg.output()).toContain(`"database":"${db}"`);
  } finally {
    await reg.stop();
  }
  expect(safeDatabaseUrl(`postgresql://u:${CANARY}@db:5432/x?sslmode=require`)).toBe(
    "postgresql://***@db:5432/x?sslmode=require",
  );
});
