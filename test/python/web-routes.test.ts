// A web app's routes calling reference Python agents (PyPI mcp-mesh 3.7.1) through our
// registry: the route gets the Python tool injected, its answers cross the language boundary,
// its tool errors answer 503, and the route degrades and is re-wired as the agent leaves and
// comes back.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MeshApi, meshRoute } from "../../packages/sdk/src/routes/express.js";
import { startTestRegistry, type TestRegistry } from "../../packages/sdk/src/testing/index.js";
import { describeWithPrerequisites } from "../interop/prerequisites.js";
import { missingPython, type PythonAgent, startPythonAgent } from "./python-env.js";

const TEST_MS = 150_000;

describeWithPrerequisites("web routes calling Python agents", missingPython(), () => {
  let registry: TestRegistry;
  let python: PythonAgent | undefined;
  let api: MeshApi;
  let server: ReturnType<ReturnType<typeof express>["listen"]>;
  let url = "";

  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const wired = async (want: boolean) => {
    for (let i = 0; i < 300; i++) {
      if (api.providers("py_string").length > 0 === want) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`py_string not ${want ? "wired" : "unwired"} within 30 s`);
  };

  beforeAll(async () => {
    registry = await startTestRegistry();
    api = new MeshApi({
      name: "web-python",
      registryUrl: registry.url,
      httpHost: "127.0.0.1",
      heartbeatInterval: 1,
      logLevel: "silent",
      autoRun: false,
      handleSignals: false,
      env: {},
    });
    const app = express();
    app.get(
      "/greet",
      meshRoute(
        { py: { capability: "py_string", required: true } },
        async (req, res, { py }) => {
          res.json(await py({ name: String(req.query.name) }));
        },
        { api },
      ),
    );
    app.get(
      "/dict",
      meshRoute(
        { py: { capability: "py_dict", required: true } },
        async (_req, res, { py }) => {
          res.json(await py());
        },
        { api },
      ),
    );
    app.get(
      "/error",
      meshRoute(
        { py: { capability: "py_error", required: true } },
        async (_req, res, { py }) => {
          res.json(await py());
        },
        { api },
      ),
    );
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await api.start();
    python = await startPythonAgent("py_provider.py", { registryUrl: registry.url, name: "py-provider" });
    await wired(true);
  }, TEST_MS);

  afterAll(async () => {
    await python?.stop();
    server?.closeAllConnections();
    server?.close();
    await api?.stop();
    await registry?.close();
  });

  it("answers with the Python tool's result", { timeout: TEST_MS }, async () => {
    expect(await get("/greet?name=web")).toEqual({ status: 200, body: "hello web from python" });
    expect(await get("/dict")).toEqual({
      status: 200,
      body: { lang: "python", n: 1, nested: { ok: true, none: null } },
    });
  });

  it("answers 503 with the reason when the Python tool raises", { timeout: TEST_MS }, async () => {
    const { status, body } = await get("/error");
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: "remote_tool_error", error: expect.stringContaining("python says no") });
  });

  it("degrades when the Python agent leaves and is re-wired when it returns", { timeout: TEST_MS }, async () => {
    await python?.stop();
    python = undefined;
    await wired(false);
    expect((await get("/greet?name=web")).status).toBe(503);
    python = await startPythonAgent("py_provider.py", { registryUrl: registry.url, name: "py-provider" });
    await wired(true);
    expect(await get("/greet?name=again")).toEqual({ status: 200, body: "hello again from python" });
  });
});
