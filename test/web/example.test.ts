// examples/web as a user runs it: the chat agent and the Express chat backend as real processes
// on our registry, and the page driven in headless Chromium (the Debian package, installed by
// scripts/ensure-chromium.mjs). The page streams the agent's answer; with the agent gone it says
// so; SIGTERM to the web app unregisters it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestRegistry, type TestRegistry } from "../../packages/sdk/src/testing/index.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { freePort } from "../interop/processes.js";
import { REPO_ROOT, referenceBinary } from "../interop/reference.js";
import { CHROMIUM, launchChromium } from "./browser.js";

const EXAMPLE = join(REPO_ROOT, "examples", "web");
const WAIT_MS = 30_000;
const TEST_MS = 90_000;
const ANSWER = "You said: hello mesh. The mesh carried it here and back.";

interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(file: string, env: Record<string, string>): Proc {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MCP_MESH_")));
  const child = spawn(process.execPath, ["--import", "tsx", join(EXAMPLE, file)], {
    cwd: REPO_ROOT,
    env: { ...clean, NO_COLOR: "1", HOST: "127.0.0.1", MCP_MESH_HTTP_HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => output, exited };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, output: () => string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} within ${WAIT_MS} ms; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const missing = existsSync(CHROMIUM) ? [] : [`${CHROMIUM} (run node scripts/ensure-chromium.mjs)`];

describeWithPrerequisites("examples/web: the chat page in a real browser", missing, () => {
  let registry: TestRegistry;
  let agent: Proc | undefined;
  let web: Proc | undefined;
  let browser: Browser | undefined;
  let url = "";

  const agentsListed = async () =>
    (
      (await (await fetch(`${registry.url}/agents`)).json()) as {
        agents: { name: string; agent_type: string; status: string }[];
      }
    ).agents;

  beforeAll(async () => {
    registry = await startTestRegistry();
    const registryEnv = { MCP_MESH_REGISTRY_URL: registry.url, MCP_MESH_HEALTH_INTERVAL: "1" };
    agent = start("chat-agent.ts", { ...registryEnv, MCP_MESH_HTTP_PORT: "0" });
    const port = await freePort();
    web = start("server.ts", { ...registryEnv, PORT: String(port) });
    url = `http://127.0.0.1:${port}`;
    const w = web;
    await until(
      "POST /chat answers through the agent",
      async () => {
        const res = await fetch(`${url}/chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ message: "ping" }),
        });
        return res.status === 200 ? true : undefined;
      },
      () => w.output() + (agent?.output() ?? ""),
    );
    browser = await launchChromium();
  }, TEST_MS);

  afterAll(async () => {
    await browser?.close();
    for (const p of [web, agent]) if (p && p.child.exitCode === null) p.child.kill("SIGKILL");
    await registry?.close();
  });

  // Async: the registry runs in this process, a synchronous exec would stall it.
  const meshctl = (bin: string[], ...args: string[]) =>
    new Promise<string>((resolve) => {
      execFile(
        bin[0] as string,
        [...bin.slice(1), ...args, "--registry-url", registry.url],
        {
          env: { ...process.env, NO_COLOR: "1" },
          timeout: 20_000,
        },
        (_err, stdout, stderr) => resolve(stdout + stderr),
      );
    });

  it("lists the web app as an API agent, in our meshctl list and the reference's", async () => {
    const me = (await agentsListed()).find((a) => a.name === "chat-web");
    expect(me).toMatchObject({ agent_type: "api", status: "healthy" });
    const ours = await meshctl([process.execPath, join(REPO_ROOT, "packages", "cli", "bin", "meshctl.js")], "list");
    expect(ours).toMatch(/chat-web-[0-9a-f]{8}\s+healthy\s+2\/2\s+127\.0\.0\.1:\d+/);
    const reference = referenceBinary("meshctl");
    if (existsSync(reference))
      expect(await meshctl([reference], "list")).toMatch(/chat-web-[0-9a-f]{8}\s+\S*TypeScript\s*\S*\s+API\b/);
  });

  it(
    "streams the agent's answer into the page",
    async () => {
      const page = await (browser as Browser).newPage();
      await page.goto(url);
      await page.fill("#message", "hello mesh");
      await page.click("#send");
      await page.waitForFunction(() => document.getElementById("status")?.textContent === "done", null, {
        timeout: WAIT_MS,
      });
      expect(await page.textContent("#log .reply")).toBe(ANSWER);
      await page.close();
    },
    TEST_MS,
  );

  it(
    "tells the user when the agent is gone",
    async () => {
      const a = agent as Proc;
      a.child.kill("SIGTERM");
      await a.exited;
      // The agent unregistered: the web app is re-wired to nothing, the route answers 503.
      await until(
        "the route answers 503",
        async () => ((await fetch(`${url}/chat/stream?message=x`)).status === 503 ? true : undefined),
        () => (web as Proc).output(),
      );
      const page = await (browser as Browser).newPage();
      await page.goto(url);
      await page.fill("#message", "anyone there?");
      await page.click("#send");
      await page.waitForFunction(() => document.getElementById("status")?.textContent === "failed", null, {
        timeout: WAIT_MS,
      });
      expect(await page.textContent("#log .reply")).toBe("the chat agent is not available right now");
      await page.close();
    },
    TEST_MS,
  );

  it(
    "unregisters on SIGTERM",
    async () => {
      const w = web as Proc;
      w.child.kill("SIGTERM");
      expect(await w.exited).toBe(143);
      const me = (await agentsListed()).find((a) => a.name === "chat-web");
      expect(me?.status).toBe("unhealthy");
    },
    TEST_MS,
  );
});
