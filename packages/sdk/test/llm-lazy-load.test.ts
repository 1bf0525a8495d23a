// The AI SDK (~100 ms to import) loads with an agent's first LLM call: an agent process, even one
// that declares an LLM provider, imports no `ai` module at start. Asserted on the real module
// graph of a process, recorded by meshctl's resolve hook.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { fixture } from "./agent-processes.js";

const RECORD = fileURLToPath(new URL("../../cli/test/fixtures/record-imports.mjs", import.meta.url));

it("declaring an LLM provider imports no AI SDK module", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sdk-lazy-"));
  const log = join(dir, "imports.log");
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--import", RECORD, fixture("declare-llm-provider.mjs")],
        { env: { ...process.env, IMPORTS_LOG: log }, timeout: 30_000 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    expect(urls.some((u) => u.includes("/packages/sdk/dist/agent.js"))).toBe(true);
    expect(urls.filter((u) => /\/node_modules\/(ai|@ai-sdk\/[^/]+)\//.test(u))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
