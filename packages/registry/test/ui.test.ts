// The dashboard's routes: the static app at /ui (relative redirects, cache headers, nothing
// outside its folder), a browser's / sent to it, and the push feed /ui/api/stream.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { uiRoutes } from "../src/routes/ui.js";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const open: TestRegistry[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.close().catch(() => {});
    cleanup(r.dir);
  }
});

async function registry(): Promise<TestRegistry> {
  const reg = await startRegistry({ config: { host: "127.0.0.1", port: 0 } });
  open.push(reg);
  return reg;
}

/** Reads `change` events off the feed; `frames` keeps comments too. */
function feed(url: string): Promise<{ status: number; changes: any[]; frames: string[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      const out = {
        status: res.statusCode ?? 0,
        changes: [] as any[],
        frames: [] as string[],
        close: () => req.destroy(),
      };
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          out.frames.push(frame);
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (/^event: change$/m.test(frame) && data) out.changes.push(JSON.parse(data));
        }
      });
      resolve(out);
    });
    req.on("error", reject);
  });
}

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("push feed", () => {
  it("pushes one change per registration, re-wiring and departure, naming the agents", async () => {
    const reg = await registry();
    const url = await reg.listen();
    await reg.post(agent("greeter", [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]));
    const f = await feed(`${url}/ui/api/stream`);
    expect(f.status).toBe(200);
    await until(() => f.frames.length > 0, "the connected comment");
    await reg.post(agent("date-a", [tool("get_date", "date_service")]));
    await until(() => f.changes.length >= 1, "a change for the new provider");
    expect(f.changes[0].agent_ids).toEqual(expect.arrayContaining(["date-a", "greeter"]));
    expect(f.changes[0].types).toEqual(expect.arrayContaining(["register", "dependency_resolved"]));
    await reg.del("date-a");
    await until(() => f.changes.length >= 2, "a change for the departure");
    expect(f.changes[1].types).toEqual(expect.arrayContaining(["unregister", "dependency_unresolved"]));
    f.close();
  });

  it("sends nothing for a heartbeat that changes nothing", async () => {
    const reg = await registry();
    const url = await reg.listen();
    const body = agent("date-a", [tool("get_date", "date_service")]);
    await reg.post(body);
    const f = await feed(`${url}/ui/api/stream`);
    await until(() => f.frames.length > 0, "the connected comment");
    await reg.post(body);
    expect(await reg.head("date-a")).toBe(200);
    await reg.post(agent("other", [tool("x", "x_cap")]));
    await until(() => f.changes.length >= 1, "the next real change");
    expect(f.changes.map((c) => c.agent_ids)).toEqual([["other"]]);
    f.close();
  });
});

describe("push feed limits", () => {
  it("answers 429 beyond the stream cap, and frees a slot when a stream closes", async () => {
    const reg = await registry();
    const app = Fastify();
    uiRoutes(app, reg.core, { keepaliveMs: 1000, dir: tmpdir(), maxStreams: 1 });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const first = await feed(`${url}/ui/api/stream`);
    const second = await feed(`${url}/ui/api/stream`);
    expect([first.status, second.status]).toEqual([200, 429]);
    first.close();
    let third = await feed(`${url}/ui/api/stream`);
    for (const deadline = Date.now() + 5000; third.status !== 200 && Date.now() < deadline; ) {
      third.close();
      await new Promise((r) => setTimeout(r, 20));
      third = await feed(`${url}/ui/api/stream`);
    }
    expect(third.status).toBe(200);
    third.close();
    second.close();
    await app.close();
  });
});

describe("static app", () => {
  it("redirects /ui and a browser's / relatively; API clients still get the reference's /", async () => {
    const reg = await registry();
    const ui = await reg.app.inject({ url: "/ui" });
    expect([ui.statusCode, ui.headers.location]).toEqual([302, "ui/"]);
    const browser = await reg.app.inject({ url: "/", headers: { accept: "text/html,application/xhtml+xml" } });
    expect([browser.statusCode, browser.headers.location]).toEqual([302, "ui/"]);
    const api = await reg.get("/");
    expect(api.json).toMatchObject({ endpoints: ["/health", "/heartbeat", "/agents"], status: "running" });
  });

  it("serves the built files with their types and cache rules, and nothing outside the folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mesh-ui-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(dir, "assets", "app-abc.js"), "console.log(1)");
    writeFileSync(join(tmpdir(), "mesh-ui-secret.txt"), "TOP-SECRET-CONTENT");
    const reg = await registry();
    const app = Fastify();
    uiRoutes(app, reg.core, { keepaliveMs: 1000, dir });
    const index = await app.inject({ url: "/ui/" });
    expect([index.statusCode, index.headers["content-type"], index.headers["cache-control"]]).toEqual([
      200,
      "text/html; charset=utf-8",
      "no-cache",
    ]);
    const js = await app.inject({ url: "/ui/assets/app-abc.js" });
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toContain("immutable");
    for (const bad of ["/ui/../mesh-ui-secret.txt", "/ui/..%2f..%2fmesh-ui-secret.txt", "/ui/assets/nope.js"]) {
      const r = await app.inject({ url: bad });
      expect(r.statusCode, bad).toBe(404);
      expect(r.body).not.toContain("TOP-SECRET-CONTENT");
    }
    await app.close();
    cleanup(dir);
  });

  it("says how to build the dashboard when it is not built", async () => {
    const reg = await registry();
    const app = Fastify();
    uiRoutes(app, reg.core, { keepaliveMs: 1000, dir: mkdtempSync(join(tmpdir(), "mesh-ui-empty-")) });
    const r = await app.inject({ url: "/ui/" });
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain("npm run build");
    await app.close();
  });
});
