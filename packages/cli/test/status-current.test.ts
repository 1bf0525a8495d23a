// meshctl status explains the resolution as it is now, as real processes: a consumer wants
// date_service >=2; the v2 provider it used leaves and a v1 provider arrives. status must name
// the healthy v1 candidate and the constraint that rejects it, not only the stale "v2 is
// unhealthy". And status of a name several replicas share shows every replica.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPrerequisites } from "../../../test/interop/prerequisites.js";
import { freePort } from "../../../test/interop/processes.js";
import {
  baseEnv,
  fixture,
  killQuietly,
  meshctl,
  missingBuild,
  processesMentioning,
  show,
  waitFor,
} from "./meshctl-process.js";

describeWithPrerequisites("meshctl status: the current resolution", missingBuild(), () => {
  let home = "";
  let env: NodeJS.ProcessEnv = {};
  let dir = "";

  const idIn = (text: string, name: string) =>
    new RegExp(`${name} registered as (${name}-[0-9a-f]{8})`).exec(text)?.[1] as string;
  const listed = async () => {
    const l = await meshctl(["list", "--json", "--all"], env);
    return l.code === 0 ? (JSON.parse(l.stdout) as { agents: Array<Record<string, any>> }).agents : [];
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "meshctl-status-"));
    env = baseEnv(home, { MCP_MESH_REGISTRY_URL: `http://127.0.0.1:${await freePort()}` });
    dir = join(home, "agents");
    mkdirSync(dir);
    for (const f of ["dated-provider.ts", "picky-consumer.ts"]) copyFileSync(fixture(f), join(dir, f));
  });

  afterAll(async () => {
    if (home) await meshctl(["stop", "--force"], env);
    if (dir) for (const pid of processesMentioning(dir)) killQuietly(pid, "SIGKILL");
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it("names the healthy candidate the version constraint rejects, after the old provider left", async () => {
    const consumer = await meshctl(["start", join(dir, "picky-consumer.ts"), "--detach"], env);
    expect(consumer.code, show(consumer)).toBe(0);
    const v2 = await meshctl(["start", join(dir, "dated-provider.ts"), "-e", "DATE_VERSION=2.1.0", "--detach"], env);
    expect(v2.code, show(v2)).toBe(0);
    const v2id = idIn(v2.stderr, "dated-provider");
    await waitFor(
      async () =>
        (await listed()).find((a) => a.name === "picky-consumer")?.dependencies_resolved === 1 ? 1 : undefined,
      15_000,
      "the consumer to be wired to v2",
    );
    expect((await meshctl(["stop", v2id], env)).code).toBe(0);
    const v1 = await meshctl(["start", join(dir, "dated-provider.ts"), "-e", "DATE_VERSION=1.0.0", "--detach"], env);
    expect(v1.code, show(v1)).toBe(0);
    const v1id = idIn(v1.stderr, "dated-provider");

    const r = await waitFor(
      async () => {
        const s = await meshctl(["status", "picky-consumer"], env);
        return s.stdout.includes(v1id) ? s : undefined;
      },
      15_000,
      "status to mention the v1 provider",
    );
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/when → date_service version=>=2\.0\.0: ✗ unresolved/);
    expect(r.stdout).toContain(`${v1id}:get_date version 1.0.0 does not satisfy >=2.0.0`);
    // The v2 provider unregistered: it is still listed (unhealthy) and said to be so.
    expect(r.stdout).toContain(`${v2id}:get_date is unhealthy`);
  });

  it("status <name> of a replicated agent shows every replica instead of refusing", async () => {
    const again = await meshctl(["start", join(dir, "dated-provider.ts"), "-e", "DATE_VERSION=1.0.0", "--detach"], env);
    expect(again.code, show(again)).toBe(0);
    const healthy = (await listed()).filter((a) => a.name === "dated-provider" && a.status === "healthy");
    expect(healthy).toHaveLength(2);
    const r = await meshctl(["status", "dated-provider"], env);
    expect(r.code, show(r)).toBe(0);
    for (const a of healthy) expect(r.stdout).toMatch(new RegExp(`^${a.id}$`, "m"));
    const json = await meshctl(["status", "dated-provider", "--json"], env);
    expect(json.code, show(json)).toBe(0);
    const reports = JSON.parse(json.stdout) as Array<{ agent: { id: string } }>;
    expect(reports.map((x) => x.agent.id).sort()).toEqual(healthy.map((a) => a.id).sort());
  });
});
