// The route suite's app in Express (express.test.ts, reference-registry.test.ts).
import type { AddressInfo } from "node:net";
import express from "express";
import { meshRoute, sseStream } from "../../src/routes/express.js";
import { endless, failingStream, lazyHeaders, streamOf, typedGreet } from "./mesh-fixture.js";
import type { AppBuilder } from "./route-suite.js";

/** The suite's routes in Express. */
export const buildExpressApp: AppBuilder = async ({ api }, probe) => {
  const app = express();
  app.use(express.json());
  const greeter = { capability: "greet", required: true } as const;
  app.post(
    "/greet",
    meshRoute(
      { greeter },
      async (req, res, { greeter }) => {
        res.json({ text: await greeter({ name: req.body.name }) });
      },
      // Named as the reference names routes: both registries resolve it like any other.
      { api, name: "POST:/greet" },
    ),
  );
  app.get(
    "/headers",
    meshRoute(
      { echo: "echo_headers" },
      async (_req, res, { echo }) => {
        if (!echo) return void res.status(503).json({ error: "echo unavailable" });
        res.json(await echo());
      },
      { api },
    ),
  );
  app.get(
    "/missing",
    meshRoute({ nobody: { capability: "nobody_provides", required: true } }, (_req, res) => res.json("unreachable"), {
      api,
    }),
  );
  app.get(
    "/teapot",
    meshRoute({ nobody: { capability: "nobody_provides", required: true } }, (_req, res) => res.json("unreachable"), {
      api,
      onError: (_err, d) => ({ status: 418, body: { error: "no tea", code: d.body.code } }),
    }),
  );
  app.get(
    "/slow",
    meshRoute(
      { slow: { capability: "slow", timeout: 300 } },
      async (_req, res, { slow }) => {
        res.json(await slow?.());
      },
      { api },
    ),
  );
  app.get(
    "/stream",
    meshRoute(
      { greeter },
      async (_req, res, { greeter }) => {
        await sseStream(res, streamOf(String(await greeter({ name: "stream" }))));
      },
      { api },
    ),
  );
  app.get(
    "/typed",
    meshRoute(
      { typed: typedGreet },
      async (_req, res, { typed }) => {
        res.json((await typed({ name: "x" })).text);
      },
      { api },
    ),
  );
  app.get(
    "/stream-headers",
    meshRoute(
      { echo: { capability: "echo_headers", required: true } },
      async (_req, res, { echo }) => {
        await sseStream(
          res,
          lazyHeaders(() => echo()),
        );
      },
      { api },
    ),
  );
  app.get("/stream-fail", (_req, res) => sseStream(res, failingStream()));
  app.get("/endless", (_req, res) => sseStream(res, endless(probe)));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};
