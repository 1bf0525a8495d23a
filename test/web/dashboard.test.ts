// The dashboard at /ui as a user sees it: our registry and two agents as real processes, the
// page in headless Chromium. It loads with no console errors, shows the mesh, re-draws the
// topology when the provider stops and starts again (pushed over /ui/api/stream: the page is
// never reloaded), shows why a dependency chose its provider, and works behind a path prefix.
// DASHBOARD_SCREENSHOTS=<dir> also writes the screenshots used in docs/observability.md.
import { existsSync, mkdirSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AgentProcess, startAgentProcess, startOurRegistry } from "../../packages/sdk/test/agent-processes.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import type { RegistryProcess } from "../interop/processes.js";
import { REPO_ROOT } from "../interop/reference.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = process.env.DASHBOARD_SCREENSHOTS;
const WAIT_MS = 20_000;
const TEST_MS = 60_000;
const BUILT = join(REPO_ROOT, "packages", "registry", "ui", "index.html");

const missing = [
  ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (run node scripts/ensure-chromium.mjs)`]),
  ...(existsSync(BUILT) ? [] : [`${BUILT} (run npm run build)`]),
];

/** An ingress that serves the registry under /mesh/ (the prefix stripped), streaming bodies. */
function prefixProxy(target: string): Promise<Server> {
  const t = new URL(target);
  const server = createServer((req, res) => {
    if (!req.url?.startsWith("/mesh/")) return void res.writeHead(404).end();
    const up = request(
      { host: t.hostname, port: t.port, path: req.url.slice("/mesh".length), method: req.method, headers: req.headers },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    up.on("error", () => res.writeHead(502).end());
    req.pipe(up);
  });
  return new Promise((r) => server.listen(0, "127.0.0.1", () => r(server)));
}

describeWithPrerequisites("the dashboard at /ui in a real browser", missing, () => {
  let registry: RegistryProcess;
  let provider: AgentProcess | undefined;
  let consumer: AgentProcess;
  let browser: Browser;
  let proxy: Server;
  const errors: string[] = [];

  const env = () => ({ MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" });
  const startProvider = () =>
    startAgentProcess("provider.mjs", { ...env(), AGENT_NAME: "dateprov", CAPABILITY: "date_service" });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    return page;
  }
  const shot = async (page: Page, name: string) => {
    if (!SHOTS) return;
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`) });
  };

  beforeAll(async () => {
    registry = await startOurRegistry();
    provider = await startProvider();
    consumer = await startAgentProcess("consumer.mjs", {
      ...env(),
      AGENT_NAME: "greeter",
      DEP_CAPABILITY: "date_service",
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
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
    "the traces page says when tracing is off, with no failed request",
    async () => {
      const page = await open(`${registry.url}/ui/#/traces/0123456789abcdef0123456789abcdef`);
      await page.getByTestId("tracing-off").waitFor({ timeout: WAIT_MS });
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
