import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { mesh, meshRoute, sseStream } from "../../src/routes/hono.js";
import { endless, failingStream, lazyHeaders, streamOf, typedGreet } from "./mesh-fixture.js";
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
  // The middleware form: dependencies in c.var.mesh, failures of later handlers mapped too.
  app.get("/headers", mesh({ echo: "echo_headers" }, { api }), async (c) => {
    const { echo } = c.var.mesh;
    return echo ? c.json(await echo()) : c.json({ error: "echo unavailable" }, 503);
  });
  app.get(
    "/missing",
    meshRoute({ nobody }, (c) => c.json("unreachable"), { api }),
  );
  app.get(
    "/teapot",
    mesh({ nobody }, { api, onError: (_err, d) => ({ status: 418, body: { error: "no tea", code: d.body.code } }) }),
    (c) => c.json("unreachable"),
  );
  app.get("/slow", mesh({ slow: { capability: "slow", timeout: 300 } }, { api }), async (c) =>
    c.json(await c.var.mesh.slow?.()),
  );
  app.get(
    "/stream",
    meshRoute(
      { greeter },
      async (c, { greeter }) => sseStream(c, streamOf(String(await greeter({ name: "stream" })))),
      { api },
    ),
  );
  app.get(
    "/typed",
    meshRoute({ typed: typedGreet }, async (c, { typed }) => c.json((await typed({ name: "x" })).text), { api }),
  );
  app.get(
    "/stream-headers",
    meshRoute(
      { echo: { capability: "echo_headers", required: true } },
      async (c, { echo }) =>
        sseStream(
          c,
          lazyHeaders(() => echo()),
        ),
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
