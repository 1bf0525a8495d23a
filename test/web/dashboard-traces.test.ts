// Traces and traffic in the dashboard as a user sees them: our registry with tracing on, a real
// Redis (scripts/redis.mjs, a server of this test's own so no other run's spans mix in), a
// consumer and a provider as real processes, the page in headless Chromium. A call across the
// two agents appears in the live trace list without a reload, its waterfall shows the hops
// (agent, tool, status), a failing call is marked failed with its error, the traffic page and
// the topology's edge count the calls and errors and rise with the next call; no console errors;
// an LLM consumer's call through an LLM provider (the scripted model) to the tool agent shows
// its tokens and the provider → tool agent traffic; the same under an ingress path prefix; a
// call to a provider that died counts as an error on its edge.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type RecordedRequest,
  type ScriptedTurn,
  startScriptedLlm,
} from "../../packages/sdk/src/testing/scripted-llm.js";
import {
  type AgentProcess,
  callText,
  rpc,
  startAgentProcess,
  startOurRegistry,
  waitFor,
} from "../../packages/sdk/test/agent-processes.js";
import { type RedisServer, startOwnRedis } from "../../scripts/redis.mjs";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { launchChromium, missingForBrowser, openPage, prefixProxy, screenshot } from "./browser.js";

const WAIT_MS = 20_000;
const TEST_MS = 90_000;

describeWithPrerequisites("traces and traffic in the dashboard, from real calls", missingForBrowser, () => {
  let redis: RedisServer;
  let registry: RegistryProcess;
  let provider: AgentProcess;
  let consumer: AgentProcess;
  let browser: Browser;
  let proxy: Server;
  let env: Record<string, string>;
  const errors: string[] = [];
  const open = (url: string): Promise<Page> => openPage(browser, url, errors);

  /** hello on the consumer, which calls the provider's get_date; resolves with the answer text. */
  const hello = async (tz = "CET") => {
    const r = await rpc(consumer.url, {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "hello", arguments: { who: "browser", tz } },
    });
    const result = r.body?.result as { content?: Array<{ text?: string }>; isError?: boolean } | undefined;
    const text = (result?.content ?? []).map((c) => c.text ?? "").join("");
    return { text, failed: !!r.body?.error || !!result?.isError };
  };

  beforeAll(async () => {
    const own = await startOwnRedis();
    if (!own) throw new Error("no Redis: install redis-server (node scripts/redis.mjs)");
    redis = own;
    const tracing = { MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true", REDIS_URL: redis.url };
    registry = await startOurRegistry(tracing);
    env = { ...tracing, MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    provider = await startAgentProcess("provider.mjs", { ...env, AGENT_NAME: "dates", FAIL_TZ: "Mars" });
    consumer = await startAgentProcess("consumer.mjs", { ...env, AGENT_NAME: "greeter" });
    // Until the consumer is wired its fallback answers without calling the provider.
    await waitFor(async () => ((await hello()).text.includes("date:CET") ? true : undefined), WAIT_MS, "wiring");
    browser = await launchChromium();
    proxy = await prefixProxy(registry.url);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
    await consumer?.stop();
    await provider?.stop();
    await registry?.stop();
    await redis?.stop();
  });

  it(
    "a call appears in the live trace list; its waterfall shows the hops; a failed call is marked with its error",
    async () => {
      const page = await open(`${registry.url}/ui/#/traces`);
      await page.getByTestId("traces-live").filter({ hasText: "following" }).waitFor({ timeout: WAIT_MS });
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
      });
      const before = await page.locator("[data-trace]").count();
      expect((await hello()).text).toContain("date:CET");
      // The new trace is pushed in: a row more, on top, with both agents once all spans are in.
      const list = page.getByTestId("trace-list");
      const top = list.locator("tbody tr").first();
      await expect
        .poll(async () => (await page.locator("[data-trace]").count()) > before, { timeout: WAIT_MS })
        .toBe(true);
      await top.filter({ hasText: "hello" }).filter({ hasText: "dates, greeter" }).waitFor({ timeout: WAIT_MS });
      await expect.poll(() => top.locator("td").nth(3).innerText(), { timeout: WAIT_MS }).toBe("3");
      await screenshot(page, "traces");
      await top.getByRole("link", { name: "hello" }).click();
      const rows = page.getByTestId("span-row");
      await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(2);
      expect(await rows.nth(0).innerText()).toMatch(/hello\s+greeter\s+ok/);
      expect(await rows.nth(1).innerText()).toMatch(/get_date\s+dates\s+ok/);
      await page.getByLabel("internal spans").check();
      await expect.poll(() => rows.count(), { timeout: WAIT_MS }).toBe(3);
      expect(await rows.nth(1).innerText()).toContain("proxy_call_wrapper");
      await page.getByLabel("internal spans").uncheck();

      const failed = await hello("Mars");
      expect(failed.failed).toBe(true);
      const failedRow = list.locator("tbody tr").first().filter({ hasText: "failed" });
      await failedRow.filter({ hasText: "dates" }).waitFor({ timeout: WAIT_MS });
      await failedRow.getByRole("link").click();
      // The provider's span failed with the tool's error, and so did the consumer's, whose call failed.
      const bad = page.locator('[data-testid="span-row"].failed');
      await expect.poll(() => bad.count(), { timeout: WAIT_MS }).toBe(2);
      expect(await bad.nth(0).innerText()).toMatch(/^hello\s+greeter\s+failed/);
      expect(await bad.nth(1).innerText()).toMatch(/get_date\s+dates\s+failed: .*unknown time zone Mars/);
      await screenshot(page, "trace-failed");
      // All of it pushed: the page was never reloaded.
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "the traffic page and the topology count the calls and errors on the edge, and rise with the next call",
    async () => {
      const page = await open(`${registry.url}/ui/#/traffic`);
      const edge = page.locator(`[data-edge="${consumer.agentId}→${provider.agentId}"]`);
      const calls = async () => Number(await edge.getByTestId("edge-calls").innerText());
      // The wiring calls, the traced call and the failed one of the test above, at least.
      await expect.poll(calls, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(2);
      await expect
        .poll(async () => Number(await edge.getByTestId("edge-errors").innerText()), { timeout: WAIT_MS })
        .toBeGreaterThanOrEqual(1);
      expect(await edge.innerText()).toContain("get_date");
      const seen = await calls();
      await hello();
      await hello();
      await expect.poll(calls, { timeout: WAIT_MS }).toBeGreaterThanOrEqual(seen + 2);

      await page.goto(`${registry.url}/ui/#/topology`);
      const graph = page.getByTestId("topology");
      const busy = graph.locator(".mesh-edge-busy");
      await busy.first().waitFor({ timeout: WAIT_MS });
      const label = graph
        .locator(".react-flow__edge-text")
        .filter({ hasText: /date_service · \d+ calls · \d+ err · p95/ });
      await label.first().waitFor({ timeout: WAIT_MS });
      const count = async () => Number(/(\d+) calls/.exec((await label.first().textContent()) ?? "")?.[1] ?? 0);
      const shown = await count();
      await hello();
      await expect.poll(count, { timeout: WAIT_MS }).toBeGreaterThan(shown);
      // The provider's page lists the calls it served; the overview counts them all.
      await page.goto(`${registry.url}/ui/#/agents/${provider.agentId}`);
      await page
        .getByTestId("agent-traffic")
        .locator(`[data-edge="${consumer.agentId}→${provider.agentId}"]`)
        .waitFor({ timeout: WAIT_MS });
      await page.goto(`${registry.url}/ui/#/`);
      await page
        .getByTestId("overview-calls")
        .filter({ hasText: /\d+ \(\d+ failed\)/ })
        .waitFor({ timeout: WAIT_MS });
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "an LLM consumer's call: tokens on its span, traffic to the LLM provider and from it to the tool agent",
    async () => {
      const model = await startScriptedLlm();
      // A tool result seen -> answer; get_date offered -> call it.
      const step = (req: RecordedRequest): ScriptedTurn =>
        req.messages.at(-1)?.role === "tool"
          ? { text: "It is today.", usage: { prompt_tokens: 42, completion_tokens: 7 } }
          : {
              toolCalls: [{ name: "get_date", arguments: { tz: "CET" } }],
              usage: { prompt_tokens: 30, completion_tokens: 4 },
            };
      model.push(...Array.from({ length: 200 }, () => step));
      const llmProvider = await startAgentProcess("llm-provider.mjs", {
        ...env,
        AGENT_NAME: "llm-a",
        LLM_BASE_URL: model.url,
      });
      const llmConsumer = await startAgentProcess("llm-consumer.mjs", { ...env, PROVIDER_TAGS: "scripted" });
      try {
        const page = await open(`${registry.url}/ui/#/traces`);
        await page.getByTestId("traces-live").filter({ hasText: "following" }).waitFor({ timeout: WAIT_MS });
        await waitFor(
          async () => ((await callText(llmConsumer.url, "ask", {})).startsWith("It is today") ? true : undefined),
          WAIT_MS,
          "the LLM chain calling the tool agent",
        );
        const row = page
          .getByTestId("trace-list")
          .locator("tbody tr")
          .filter({ hasText: "dates, llm-a, llm-consumer" });
        await row.first().waitFor({ timeout: WAIT_MS });
        await screenshot(page, "traces");
        await row.first().getByRole("link", { name: "ask" }).click();
        // The hops in call order (LLM iteration spans, `chat <model>`, may sit between them).
        const rows = page.getByTestId("span-row");
        const texts = async () => (await rows.allInnerTexts()).map((t) => t.replace(/^[└\s]+/, ""));
        const hops = async () => {
          const all = await texts();
          return ["ask", "claude_provider", "get_date"].map((tool) => all.find((t) => t.startsWith(tool)) ?? "");
        };
        await expect.poll(async () => (await hops()).every((t) => t !== ""), { timeout: WAIT_MS }).toBe(true);
        const [ask, viaModel, tool] = await hops();
        // The consumer's span carries the token totals the provider reported (30+42 in, 4+7 out).
        expect(ask).toMatch(/^ask\s+llm-consumer\s+ok.*72 in \/ 11 out/s);
        expect(viaModel).toMatch(/^claude_provider\s+llm-a\s+ok/);
        expect(tool).toMatch(/^get_date\s+dates\s+ok/);
        const order = await texts();
        expect(order.findIndex((t) => t.startsWith("claude_provider"))).toBeLessThan(
          order.findIndex((t) => t.startsWith("get_date")),
        );
        await screenshot(page, "trace-waterfall");

        await page.goto(`${registry.url}/ui/#/traffic`);
        const toModel = page.locator(`[data-edge="${llmConsumer.agentId}→${llmProvider.agentId}"]`);
        await toModel.filter({ hasText: "claude_provider" }).waitFor({ timeout: WAIT_MS });
        const toTools = page.locator(`[data-edge="${llmProvider.agentId}→${provider.agentId}"]`);
        await toTools.filter({ hasText: "get_date" }).waitFor({ timeout: WAIT_MS });
        await screenshot(page, "traffic");

        await page.goto(`${registry.url}/ui/#/topology`);
        const graph = page.getByTestId("topology");
        // The provider calling the consumer's tools is traffic no declared edge joins.
        await graph.locator(".mesh-edge-observed").first().waitFor({ timeout: WAIT_MS });
        await graph
          .locator(".react-flow__edge-text")
          .filter({ hasText: /^observed · \d+ calls? · p95/ })
          .first()
          .waitFor({ timeout: WAIT_MS });
        await screenshot(page, "topology-traffic");
        expect(errors).toEqual([]);
        await page.close();
      } finally {
        await llmConsumer.stop();
        await llmProvider.stop();
        await model.close();
      }
    },
    TEST_MS,
  );

  it(
    "works behind an ingress path prefix: the trace stream, a waterfall and the traffic feed",
    async () => {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mesh`;
      const page = await open(`${base}/ui/#/traces`);
      await page.getByTestId("traces-live").filter({ hasText: "following" }).waitFor({ timeout: WAIT_MS });
      await hello("UTC");
      const row = page.getByTestId("trace-list").locator("tbody tr").first().filter({ hasText: "hello" });
      await row.filter({ hasText: "dates, greeter" }).waitFor({ timeout: WAIT_MS });
      await row.getByRole("link", { name: "hello" }).click();
      await expect.poll(() => page.getByTestId("span-row").count(), { timeout: WAIT_MS }).toBe(2);
      await page.goto(`${base}/ui/#/traffic`);
      await page
        .locator(`[data-edge="${consumer.agentId}→${provider.agentId}"]`)
        .getByTestId("edge-calls")
        .waitFor({ timeout: WAIT_MS });
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "a call to a provider that died is counted as an error on its edge, with no tool answering",
    async () => {
      await provider.kill();
      expect((await hello()).failed).toBe(true);
      const page = await open(`${registry.url}/ui/#/traffic`);
      const edge = page.locator(`[data-edge="${consumer.agentId}→${provider.agentId}"]`);
      // Counted once no provider span answered it for 5 s, on the edge to the agent at the endpoint.
      const noAnswer = edge.locator("tr.tool-row").filter({ hasText: "(no answer)" });
      await noAnswer.waitFor({ timeout: WAIT_MS });
      expect(await noAnswer.innerText()).toMatch(/\(no answer\)\s+1\s+1\s+100\.0 %/);
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );
});
