// One suite, run against each framework's adapter: every app serves the same routes (see
// RouteApp) over real HTTP, its dependencies served by a real provider agent through our registry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MeshFixture,
  type RegistryKind,
  type RouteApp,
  type StreamProbe,
  startMeshFixture,
} from "./mesh-fixture.js";

export type AppBuilder = (f: MeshFixture, probe: StreamProbe) => Promise<RouteApp>;

export function describeRoutes(framework: string, build: AppBuilder, kind: RegistryKind = "ours") {
  describe(`${framework} routes with mesh dependencies (${kind} registry)`, () => {
    let f: MeshFixture;
    let app: RouteApp;
    const probe: StreamProbe = { cancelled: false };
    const greet = (name: string) =>
      fetch(`${app.url}/greet`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });

    beforeAll(async () => {
      f = await startMeshFixture(`web-${framework}`, kind);
      app = await build(f, probe);
      await f.api.start();
      await f.waitWired("greet", true);
    });
    afterAll(async () => {
      await app?.close();
      await f?.close();
    });

    it("calls a real agent through the mesh", async () => {
      const res = await greet("Ada");
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ text: "Hello, Ada!" });
    });

    it("joins the mesh as an API agent the registry lists", async () => {
      const me = (await f.listed()).find((a) => a.id === f.api.agentId);
      expect(me).toMatchObject({ agent_type: "api", name: `web-${framework}` });
    });

    it("propagates the allowed incoming headers into the mesh calls, and only those", async () => {
      const res = await fetch(`${app.url}/headers`, {
        headers: { authorization: "Bearer t0k", "x-request-id": "req-7", cookie: "secret=1" },
      });
      expect(res.status).toBe(200);
      const seen = (await res.json()) as Record<string, string>;
      expect(seen).toMatchObject({ authorization: "Bearer t0k", "x-request-id": "req-7" });
      expect(seen.cookie).toBeUndefined();
    });

    it("answers 503 with the reason when a required dependency has no provider", async () => {
      const res = await fetch(`${app.url}/missing`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code).toBe("dependency_unavailable");
      expect(body.error).toContain("nobody_provides");
      expect(body.error).not.toMatch(/\n\s+at /);
    });

    it("answers 504 when the dependency does not answer in time", async () => {
      const res = await fetch(`${app.url}/slow`);
      expect(res.status).toBe(504);
      expect(((await res.json()) as { code: string }).code).toBe("timeout");
    });

    it("validates the answer against the dependency's output schema: 503 on a mismatch", async () => {
      const res = await fetch(`${app.url}/typed`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code).toBe("output_mismatch");
      expect(body.error).toContain("does not match its declared output");
    });

    it("lets onError choose the answer", async () => {
      const res = await fetch(`${app.url}/teapot`);
      expect(res.status).toBe(418);
      expect(await res.json()).toEqual({ error: "no tea", code: "dependency_unavailable" });
    });

    it("streams server-sent events as the reference frames them", async () => {
      const res = await fetch(`${app.url}/stream`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("x-accel-buffering")).toBe("no");
      expect(await res.text()).toBe("data: Hello, stream!\n\ndata: \n\ndata: two\ndata: lines\n\ndata: [DONE]\n\n");
    });

    it("propagates the request's headers into mesh calls made while the stream is read", async () => {
      const res = await fetch(`${app.url}/stream-headers`, { headers: { authorization: "Bearer lazy" } });
      expect(await res.text()).toBe("data: start\n\ndata: Bearer lazy\n\ndata: [DONE]\n\n");
    });

    it("ends a failed stream with an error event", async () => {
      const res = await fetch(`${app.url}/stream-fail`);
      expect(await res.text()).toBe('data: a\n\nevent: error\ndata: {"error":"upstream broke"}\n\n');
    });

    it("ends the upstream iteration when the client disconnects", async () => {
      const abort = new AbortController();
      const res = await fetch(`${app.url}/endless`, { signal: abort.signal });
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain("data: tick 0");
      abort.abort();
      for (let i = 0; i < 100 && !probe.cancelled; i++) await new Promise((r) => setTimeout(r, 50));
      expect(probe.cancelled).toBe(true);
    });

    it("degrades while the provider is gone and is re-wired when it returns", async () => {
      await f.provider.stop();
      await f.waitWired("greet", false);
      const down = await greet("Bob");
      expect(down.status).toBe(503);
      expect(((await down.json()) as { code: string }).code).toBe("dependency_unavailable");
      await f.startProvider();
      await f.waitWired("greet", true);
      const up = await greet("Bob");
      expect(up.status).toBe(200);
      expect(await up.json()).toEqual({ text: "Hello, Bob!" });
    });

    it("unregisters when the app stops", async () => {
      const id = f.api.agentId;
      expect((await f.listed()).find((a) => a.id === id)?.status).toBe("healthy");
      await f.api.stop();
      // The registry keeps an unregistered agent listed as unhealthy (as the reference does).
      expect((await f.listed()).find((a) => a.id === id)?.status).toBe("unhealthy");
    });
  });
}
