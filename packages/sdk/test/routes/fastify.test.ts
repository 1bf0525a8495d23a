import Fastify from "fastify";
import { meshRoute, sseStream } from "../../src/routes/fastify.js";
import { endless, failingStream, lazyHeaders, streamOf, typedGreet } from "./mesh-fixture.js";
import { describeRoutes } from "./route-suite.js";

describeRoutes("fastify", async ({ api }, probe) => {
  const app = Fastify();
  const greeter = { capability: "greet", required: true } as const;
  const nobody = { capability: "nobody_provides", required: true } as const;
  app.post(
    "/greet",
    meshRoute(
      { greeter },
      async (req, _reply, { greeter }) => ({ text: await greeter({ name: (req.body as { name: string }).name }) }),
      { api },
    ),
  );
  app.get(
    "/headers",
    meshRoute(
      { echo: "echo_headers" },
      async (_req, reply, { echo }) => (echo ? echo() : reply.code(503).send({ error: "echo unavailable" })),
      { api },
    ),
  );
  app.get(
    "/missing",
    meshRoute({ nobody }, () => "unreachable", { api }),
  );
  app.get(
    "/teapot",
    meshRoute({ nobody }, () => "unreachable", {
      api,
      onError: (_err, d) => ({ status: 418, body: { error: "no tea", code: d.body.code } }),
    }),
  );
  app.get(
    "/slow",
    meshRoute({ slow: { capability: "slow", timeout: 300 } }, async (_req, _reply, { slow }) => slow?.(), { api }),
  );
  app.get(
    "/stream",
    meshRoute(
      { greeter },
      async (_req, reply, { greeter }) => sseStream(reply, streamOf(String(await greeter({ name: "stream" })))),
      { api },
    ),
  );
  app.get(
    "/typed",
    meshRoute({ typed: typedGreet }, async (_req, _reply, { typed }) => (await typed({ name: "x" })).text, { api }),
  );
  app.get(
    "/stream-headers",
    meshRoute(
      { echo: { capability: "echo_headers", required: true } },
      async (_req, reply, { echo }) =>
        sseStream(
          reply,
          lazyHeaders(() => echo()),
        ),
      { api },
    ),
  );
  app.get("/stream-fail", (_req, reply) => sseStream(reply, failingStream()));
  app.get("/endless", (_req, reply) => sseStream(reply, endless(probe)));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, close: () => app.close() };
});
