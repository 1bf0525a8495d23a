// The dashboard at /ui as a user sees it: our registry and two agents as real processes, the
// page in headless Chromium. It loads with no console errors, shows the mesh, re-draws the
// topology when the provider stops and starts again (pushed over /ui/api/stream: the page is
// never reloaded), shows why a dependency chose its provider, and works behind a path prefix.
// DASHBOARD_SCREENSHOTS=<dir> also writes the screenshots used in docs/observability.md.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess, startOurRegistry } from "../../packages/sdk/test/agent-processes.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { launchChromium, missingForBrowser, openPage, prefixProxy, screenshot } from "./browser.js";

const WAIT_MS = 20_000;
const TEST_MS = 60_000;

describeWithPrerequisites("the dashboard at /ui in a real browser", missingForBrowser, () => {
  let registry: RegistryProcess;
  let provider: AgentProcess | undefined;
  let consumer: AgentProcess;
  let browser: Browser;
  let proxy: Server;
  const errors: string[] = [];

  const env = () => ({ MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" });
  const startProvider = () =>
    startAgentProcess("provider.mjs", { ...env(), AGENT_NAME: "dateprov", CAPABILITY: "date_service" });

  const open = (url: string): Promise<Page> => openPage(browser, url, errors);
  const shot = screenshot;

  beforeAll(async () => {
    registry = await startOurRegistry();
    provider = await startProvider();
    consumer = await startAgentProcess("consumer.mjs", {
      ...env(),
      AGENT_NAME: "greeter",
      DEP_CAPABILITY: "date_service",
    });
    browser = await launchChromium();
    proxy = await prefixProxy(registry.url);
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => (proxy ? proxy.close(r) : r(undefined)));
    await consumer?.stop();
    await provider?.stop();
    await registry?.stop();
  });

  it(
    "shows the mesh, with no console errors; a browser asking for / is sent to /ui/",
    async () => {
      const page = await open(`${registry.url}/`);
      expect(page.url()).toBe(`${registry.url}/ui/`);
      await page.getByTestId("live").filter({ hasText: "live" }).waitFor({ timeout: WAIT_MS });
      await page.getByTestId("healthy-count").filter({ hasText: "2 / 2" }).waitFor({ timeout: WAIT_MS });
      await shot(page, "overview");
      await page.goto(`${registry.url}/ui/#/agents`);
      const table = page.getByTestId("agents-table");
      await table.getByText(consumer.agentId).waitFor({ timeout: WAIT_MS });
      await page.getByLabel("search").fill("date_service");
      await expect.poll(() => table.locator("tbody tr").count(), { timeout: WAIT_MS }).toBe(1);
      await table.getByText(provider?.agentId as string).waitFor({ timeout: WAIT_MS });
      await shot(page, "agents");
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "re-draws the topology when the provider stops and starts again, without reloading",
    async () => {
      const page = await open(`${registry.url}/ui/#/topology`);
      const graph = page.getByTestId("topology");
      await graph.locator(".mesh-edge-dep").first().waitFor({ timeout: WAIT_MS });
      await page.evaluate(() => {
        (window as unknown as { marker: number }).marker = 1;
      });
      await shot(page, "topology");
      await provider?.stop();
      provider = undefined;
      await graph.locator(".mesh-edge-unresolved").first().waitFor({ timeout: WAIT_MS });
      expect(await graph.locator(".mesh-edge-dep").count()).toBe(0);
      await shot(page, "topology-unresolved");
      provider = await startProvider();
      await graph.locator(".mesh-edge-dep").first().waitFor({ timeout: WAIT_MS });
      await graph.getByText(`${provider.agentId} (healthy)`).waitFor({ timeout: WAIT_MS });
      expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "agent detail shows each dependency's provider and why it was chosen",
    async () => {
      const page = await open(`${registry.url}/ui/#/agents/${consumer.agentId}`);
      const deps = page.getByTestId("dependencies");
      await deps
        .getByText(provider?.agentId as string)
        .first()
        .waitFor({ timeout: WAIT_MS });
      await deps.getByTestId("why").first().waitFor({ timeout: WAIT_MS });
      await shot(page, "agent-detail");
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "the traces and traffic pages say when tracing is off, with no failed request",
    async () => {
      const page = await open(`${registry.url}/ui/#/traces/0123456789abcdef0123456789abcdef`);
      await page.getByTestId("tracing-off").waitFor({ timeout: WAIT_MS });
      await page.goto(`${registry.url}/ui/#/traffic`);
      await page.getByTestId("traffic-off").waitFor({ timeout: WAIT_MS });
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "works behind an ingress path prefix (relative URLs, the push feed included)",
    async () => {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/mesh`;
      const page = await open(`${base}/ui`);
      expect(page.url()).toBe(`${base}/ui/`);
      await page.getByTestId("live").filter({ hasText: "live" }).waitFor({ timeout: WAIT_MS });
      await page
        .getByTestId("healthy-count")
        .filter({ hasText: /Healthy2 \/ [23]$/ })
        .waitFor({ timeout: WAIT_MS });
      expect(errors).toEqual([]);
      await page.close();
    },
    TEST_MS,
  );
});
