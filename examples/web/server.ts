// A chat backend in Express: a web app in the mesh (a consumer-only agent, listed by
// `meshctl list`), whose routes get the `avatar_chat` agent injected. POST /chat answers JSON;
// GET /chat/stream streams the answer to the browser as server-sent events (index.html).
//   node packages/cli/bin/meshctl.js start examples/web/chat-agent.ts examples/web/server.ts
// (the agent, this app on http://localhost:3000, and a registry when none runs); see
// docs/web-routes.md.
import { readFileSync } from "node:fs";
import { meshApi, meshRoute, sseStream } from "@mcp-mesh/sdk/express";
import express from "express";

const port = Number(process.env.PORT ?? 3000);
const api = meshApi({ name: "chat-web", httpPort: port });
const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");
const avatar = { capability: "avatar_chat", timeout: 20_000 };

const app = express();
app.use(express.json({ limit: "16kb" }));

app.get("/", (_req, res) => {
  res.type("html").send(page);
});

app.post(
  "/chat",
  meshRoute(
    { avatar },
    async (req, res, { avatar }) => {
      if (!avatar) return void res.status(503).json({ error: "the chat agent is not available right now" });
      const message = typeof req.body?.message === "string" ? req.body.message : "";
      if (!message) return void res.status(400).json({ error: "message is required" });
      res.json({ reply: await avatar({ message }) });
    },
    { api },
  ),
);

// EventSource speaks GET, so the message comes in the query string.
app.get(
  "/chat/stream",
  meshRoute(
    { avatar },
    async (req, res, { avatar }) => {
      if (!avatar) return void res.status(503).json({ error: "the chat agent is not available right now" });
      const message = typeof req.query.message === "string" ? req.query.message : "";
      if (!message) return void res.status(400).json({ error: "message is required" });
      // Chunks go to the browser as the agent yields them; the browser leaving cancels the call.
      await sseStream(res, avatar.stream({ message }));
    },
    { api },
  ),
);

const server = app.listen(port, process.env.HOST ?? "0.0.0.0", () => {
  console.log(`chat-web listening on http://localhost:${port}`);
});
// meshApi's signal handling unregisters the app from the mesh; close the server too.
process.once("SIGTERM", () => server.close());
