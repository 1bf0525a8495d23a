// meshctl loads a command's code only when that command runs: `--version`, `--help` and light
// commands must not import the registry (Fastify, libsql), which only `start` embeds. Asserted on
// the real module graph of a meshctl process, recorded by a resolve hook.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/interop/processes.js";
import { COMMANDS } from "../src/main.js";
import { baseEnv, fixture, MESHCTL, missingBuild, startForeground } from "./meshctl-process.js";

const HEAVY = /\/packages\/registry\/|\/node_modules\/(fastify|@libsql|libsql)\//;

describe("meshctl loads commands lazily", () => {
  let home = "";
  beforeAll(() => {
    expect(missingBuild()).toEqual([]);
    home = mkdtempSync(join(tmpdir(), "meshctl-lazy-"));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  function importsOf(args: string[], log: string): Promise<{ code: number | null; urls: string[] }> {
    writeFileSync(log, "");
    const env = { ...baseEnv(home), IMPORTS_LOG: log };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["--import", fixture("record-imports.mjs"), MESHCTL, ...args],
        { env, timeout: 30_000 },
        (err) => {
          const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
          resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, urls });
        },
      );
    });
  }

  it("--version, --help, help list and a failing list import no registry module", async () => {
    const cases = [["--version"], ["--help"], ["help", "list"], ["list", "--registry-url", "http://127.0.0.1:1"]];
    for (const [i, args] of cases.entries()) {
      const { urls } = await importsOf(args, join(home, `imports-${i}.txt`));
      expect(
        urls.some((u) => u.endsWith("/dist/main.js")),
        args.join(" "),
      ).toBe(true);
      expect(
        urls.filter((u) => HEAVY.test(u)),
        args.join(" "),
      ).toEqual([]);
    }
  });

  it("start with an embedded registry does load it (the hook sees what it should)", async () => {
    const log = join(home, "imports-start.txt");
    writeFileSync(log, "");
    const env = { ...baseEnv(home), IMPORTS_LOG: log, NODE_OPTIONS: `--import ${fixture("record-imports.mjs")}` };
    const mesh = await startForeground(
      ["--registry-only", "--registry-url", `http://127.0.0.1:${await freePort()}`, "--db-path", ":memory:"],
      env,
    );
    await mesh.stop("SIGTERM");
    const urls = readFileSync(log, "utf8").split("\n").filter(Boolean);
    expect(urls.some((u) => /\/packages\/registry\//.test(u))).toBe(true);
    expect(urls.some((u) => /\/node_modules\/fastify\//.test(u))).toBe(true);
  });

  it("the overview's summaries are the commands' own", async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
    }
  });
});
