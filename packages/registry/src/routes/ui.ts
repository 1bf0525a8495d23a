// The web dashboard (packages/dashboard, built into this package's ui/ folder) at /ui, and its
// push feed GET /ui/api/stream: server-sent events, one `change` event per committed mesh change
// (registration, health transition, re-wiring), so the page re-draws at once instead of polling.
// Asset URLs are relative and routes are in the hash, so the page works under any path prefix.

import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyInstance } from "fastify";
import type { MeshChange, RegistryCore } from "../core.js";

/** The package's ui/ folder: one level up from the bundled dist/main.bundle.mjs, two from here. */
function defaultUiDir(): string {
  const candidates = ["../ui/", "../../ui/"].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((d) => existsSync(join(d, "index.html"))) ?? (candidates[1] as string);
}
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
};

export interface UiOptions {
  keepaliveMs: number;
  /** The built dashboard; defaults to the package's ui/ folder. */
  dir?: string;
  /** Most dashboard streams open at once; beyond it the feed answers 429, so held sockets stay bounded. */
  maxStreams?: number;
}

export function uiRoutes(app: FastifyInstance, core: RegistryCore, opts: UiOptions): void {
  const root = normalize(opts.dir ?? defaultUiDir());
  const maxStreams = opts.maxStreams ?? 256;
  let streams = 0;
  // Relative redirects keep any prefix an ingress put in front of the registry.
  app.get("/ui", async (_req, reply) => reply.redirect("ui/", 302));
  app.get("/ui/api/stream", async (_req, reply) => {
    if (streams >= maxStreams)
      return reply
        .code(429)
        .header("retry-after", "5")
        .type("text/plain; charset=utf-8")
        .send(`too many dashboard streams open (at most ${maxStreams}): close a dashboard tab or retry later`);
    streams++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let seq = 0;
    const send = (c: MeshChange) => res.write(`event: change\nid: ${++seq}\ndata: ${JSON.stringify(c)}\n\n`);
    res.write(": connected\n\n");
    const unsubscribe = core.onMeshChange(send);
    const keepalive = setInterval(() => res.write(`: keepalive ${rfc3339(Date.now())}\n\n`), opts.keepaliveMs);
    keepalive.unref();
    res.on("close", () => {
      streams--;
      clearInterval(keepalive);
      unsubscribe();
    });
  });
  app.get<{ Params: { "*": string } }>("/ui/*", async (req, reply) => {
    const rel = req.params["*"] || "index.html";
    const file = normalize(join(root, rel));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep))
      return reply.code(404).type("text/plain; charset=utf-8").send("404 page not found");
    try {
      const body = await readFile(file);
      // Hashed asset names never change content; index.html must be fetched fresh.
      const cache = rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache";
      return reply
        .type(TYPES[extname(file)] ?? "application/octet-stream")
        .header("cache-control", cache)
        .send(body);
    } catch {
      if (rel === "index.html")
        return reply
          .code(404)
          .type("text/plain; charset=utf-8")
          .send("the dashboard is not built: run `npm run build` (packages/dashboard)");
      return reply.code(404).type("text/plain; charset=utf-8").send("404 page not found");
    }
  });
}
