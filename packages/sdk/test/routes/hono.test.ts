import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { meshRoute, sseStream } from "../../src/routes/hono.js";
import { endless, failingStream, streamOf } from "./mesh-fixture.js";
import { describeRoutes } from "./route-suite.js";

describeRoutes("hono", async ({ api }, probe) => {
  const app = new Hono();
  const greeter = { capability: "greet", required: true } as const;
  const nobody = { capability: "nobody_provides", required: true } as const;
  app.post(
    "/greet",
    meshRoute(
      { greeter },
      async (c, { greeter }) => {
        const { name } = await c.req.json<{ name: string }>();
        return c.json({ text: await greeter({ name }) });
      },
      { api },
    ),
  );
  app.get(
    "/headers",
    meshRoute(
      { echo: "echo_headers" },
      async (c, { echo }) => (echo ? c.json(await echo()) : c.json({ error: "echo unavailable" }, 503)),
      { api },
    ),
  );
  app.get(
    "/missing",
    meshRoute({ nobody }, (c) => c.json("unreachable"), { api }),
  );
  app.get(
    "/teapot",
    meshRoute({ nobody }, (c) => c.json("unreachable"), {
      api,
      onError: (_err, d) => ({ status: 418, body: { error: "no tea", code: d.body.code } }),
    }),
  );
  app.get(
    "/slow",
    meshRoute({ slow: { capability: "slow", timeout: 300 } }, async (c, { slow }) => c.json(await slow?.()), { api }),
  );
  app.get(
    "/stream",
    meshRoute(
      { greeter },
      async (c, { greeter }) => sseStream(c, streamOf(String(await greeter({ name: "stream" })))),
      { api },
    ),
  );
  app.get("/stream-fail", (c) => sseStream(c, failingStream()));
  app.get("/endless", (c) => sseStream(c, endless(probe)));
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
});
