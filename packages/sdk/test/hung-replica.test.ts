// Real processes: one of two replicas hangs without closing its connections (SIGSTOP), as a
// process stuck in a GC pause, a deadlock or a frozen VM does. The registry still lists it as
// healthy (its heartbeats stop, but the thresholds are far longer than these tests), so only
// the consumer's own proxy can keep calls away from it.
import { afterAll, describe, expect, it } from "vitest";
import type { RegistryProcess } from "../../../test/interop/processes.js";
import { type AgentProcess, callText, startAgentProcess, startOurRegistry, waitFor } from "./agent-processes.js";

const procs: AgentProcess[] = [];
const registries: RegistryProcess[] = [];
const stopped = new Set<number>();
afterAll(async () => {
  for (const pid of stopped) signal(pid, "SIGCONT");
  await Promise.allSettled(procs.map((p) => p.kill()));
  await Promise.allSettled(registries.map((r) => r.stop()));
});

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

async function start(file: string, env: Record<string, string>) {
  const p = await startAgentProcess(file, env);
  procs.push(p);
  return p;
}

/** Two replicas ("a", "b") and a consumer whose `hello` calls them; both seen answering. */
async function meshWithTwoReplicas(consumerEnv: Record<string, string>) {
  const registry = await startOurRegistry();
  registries.push(registry);
  const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
  const a = await start("provider.mjs", { ...env, AGENT_NAME: "hang-a", REPLY: "a" });
  await start("provider.mjs", { ...env, AGENT_NAME: "hang-b", REPLY: "b" });
  const consumer = await start("consumer.mjs", {
    ...env,
    AGENT_NAME: "hang-user",
    MCP_MESH_LOG_LEVEL: "info",
    ...consumerEnv,
  });
  const seen = new Set<string>();
  await waitFor(
    async () => {
      seen.add(await callText(consumer.url, "hello"));
      return seen.has("Hello world! a:CET") && seen.has("Hello world! b:CET") ? true : undefined;
    },
    10_000,
    "calls answered by both replicas",
  );
  return { a, consumer };
}

/** `workers` concurrent callers until `until()` says stop; counts calls and failures. */
async function load(url: string, workers: number, until: () => boolean) {
  let calls = 0;
  let failures = 0;
  const worker = async () => {
    while (!until()) {
      const t = await callText(url, "hello").catch((e) => `error ${e}`);
      calls++;
      if (!/^Hello world! [ab]:CET$/.test(t)) failures++;
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return { calls, failures };
}

describe("a replica that hangs", () => {
  it("with retryOnTimeout, costs no failed call; it is ejected, probed, and used again after SIGCONT", async () => {
    const { a, consumer } = await meshWithTwoReplicas({
      DEP_TIMEOUT: "10000",
      DEP_RETRY_ON_TIMEOUT: "1",
      DEP_ATTEMPT_TIMEOUT: "1000",
    });
    signal(a.pid, "SIGSTOP");
    stopped.add(a.pid);
    const t0 = Date.now();
    const result = await load(consumer.url, 8, () => Date.now() - t0 > 3000);
    expect(result.failures).toBe(0);
    expect(result.calls).toBeGreaterThan(50);
    expect(consumer.output()).toMatch(/provider http:\/\/127\.0\.0\.1:\d+ ejected for \d+ ms after /);

    signal(a.pid, "SIGCONT");
    stopped.delete(a.pid);
    // The half-open probe finds it answering again: calls reach it once more.
    await waitFor(
      async () => ((await callText(consumer.url, "hello")) === "Hello world! a:CET" ? true : undefined),
      20_000,
      "the resumed replica answering again",
    );
    expect(consumer.output()).toMatch(/answers again: back in rotation after \d+ ms/);
  }, 60_000);

  it("without retryOnTimeout, it costs at most the calls in flight, and calls stop going to it", async () => {
    const { a, consumer } = await meshWithTwoReplicas({ DEP_TIMEOUT: "1500" });
    signal(a.pid, "SIGSTOP");
    stopped.add(a.pid);
    // Calls that were sent to it time out (they are not repeated: the tool might have run).
    const t0 = Date.now();
    const before = await load(consumer.url, 4, () => /ejected for/.test(consumer.output()) || Date.now() - t0 > 10_000);
    expect(consumer.output()).toMatch(/ejected for/);
    // At most the calls that were in flight when it hung: 4 callers, so at most 4.
    expect(before.failures).toBeGreaterThanOrEqual(1);
    expect(before.failures).toBeLessThanOrEqual(4);
    // From then on every call is answered by the other replica.
    for (let i = 0; i < 100; i++) expect(await callText(consumer.url, "hello")).toBe("Hello world! b:CET");
    signal(a.pid, "SIGCONT");
    stopped.delete(a.pid);
  }, 60_000);
});

describe("a replica that answers slowly, with hedgeAfter", () => {
  it("calls it gets are also sent to the other replica after the hedge delay, whose answer wins", async () => {
    const registry = await startOurRegistry();
    registries.push(registry);
    const env = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    const slow = await start("provider.mjs", {
      ...env,
      AGENT_NAME: "slow-a",
      REPLY: "a",
      DELAY_MS: "4000",
      LOG_CALLS: "1",
    });
    await start("provider.mjs", { ...env, AGENT_NAME: "fast-b", REPLY: "b" });
    const consumer = await start("consumer.mjs", {
      ...env,
      AGENT_NAME: "hedger",
      DEP_TIMEOUT: "10000",
      DEP_HEDGE_AFTER: "100",
    });
    // Wired to both: the slow one is in rotation (it receives calls) yet never answers first.
    const answers: string[] = [];
    await waitFor(
      async () => {
        answers.push(await callText(consumer.url, "hello"));
        return (slow.output().match(/CALLED/g) ?? []).length >= 3 && answers.length >= 10 ? true : undefined;
      },
      30_000,
      "calls sent to the slow replica",
    );
    expect(new Set(answers)).toEqual(new Set(["Hello world! b:CET"]));
    // Each call the slow replica got first was hedged to the fast one, and /metrics says so.
    const metrics = await (await fetch(`${consumer.url}/metrics`)).text();
    const hedges = Number(metrics.match(/^mcp_mesh_dependency_hedges_total\{[^}]*\} (\d+)$/m)?.[1] ?? 0);
    expect(hedges).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
