// What the dashboard's browser suites share: headless Chromium (the Debian package, installed by
// scripts/ensure-chromium.mjs), pages that record console errors, the prerequisites, and an
// ingress that serves the registry under /mesh/.
import { existsSync, mkdirSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { REPO_ROOT } from "../interop/reference.js";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** DASHBOARD_SCREENSHOTS=<dir> writes the screenshots used in docs/observability.md. */
export const SHOTS = process.env.DASHBOARD_SCREENSHOTS;
const BUILT = join(REPO_ROOT, "packages", "registry", "ui", "index.html");

export const missingForBrowser = [
  ...(existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (run node scripts/ensure-chromium.mjs)`]),
  ...(existsSync(BUILT) ? [] : [`${BUILT} (run npm run build)`]),
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** A page whose console errors and uncaught exceptions go into `errors`. */
export async function openPage(browser: Browser, url: string, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `dashboard-${name}.png`) });
}

/** An ingress that serves the registry under /mesh/ (the prefix stripped), streaming bodies. */
export function prefixProxy(target: string): Promise<Server> {
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
