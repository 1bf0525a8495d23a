// /proxy/{host}:{port}/mcp[/...]: what the reference meshctl calls by default. Forwards to a
// registered agent's /mcp, streaming both ways (SSE included), with the reference's header
// allowlist and X-Mesh-Timeout budget (PROTOCOL.md §1.7).
import http from "node:http";
import https from "node:https";
import type { SecureContextOptions } from "node:tls";
import {
  type ErrorCode,
  ErrorCodes,
  isTlsFailure,
  MeshError,
  matchesHeaderRule,
  tlsFailureText,
} from "@mcp-mesh/protocol";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { RegistryCore } from "../core.js";
import { envelope, httpStatusOf } from "./errors.js";

const FORWARDED = [
  "content-type",
  "accept",
  "x-trace-id",
  "x-parent-span",
  "x-mesh-timeout",
  "x-mesh-job-id",
  "x-mesh-calling-job-id",
  "x-mesh-calling-claim-epoch",
];
const MAX_TIMEOUT_MS = 600_000;

export interface ProxyOptions {
  defaultTimeoutMs: number;
  propagateHeaders: string[];
  /** The registry's certificate and CA, for agents that serve HTTPS (registered over mTLS). */
  tls?: SecureContextOptions;
}

interface Pools {
  http: http.Agent;
  https: https.Agent;
}

export async function proxyRoutes(app: FastifyInstance, core: RegistryCore, opts: ProxyOptions): Promise<void> {
  // The https pool verifies agents against MCP_MESH_TLS_CA and shows the registry's certificate,
  // so agents that require client certificates accept /proxy's calls.
  const pools: Pools = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64, ...opts.tls }),
  };
  app.addHook("onClose", async () => {
    pools.http.destroy();
    pools.https.destroy();
  });
  // The body is streamed to the agent untouched, so nothing here may parse it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_req, _payload, done) => done(null));
  const handler = (req: FastifyRequest<{ Params: { "*": string } }>, reply: FastifyReply) =>
    forward(req, reply, core, opts, pools);
  app.post("/proxy/*", handler);
  app.get("/proxy/*", handler);
}

async function forward(
  req: FastifyRequest<{ Params: { "*": string } }>,
  reply: FastifyReply,
  core: RegistryCore,
  opts: ProxyOptions,
  pools: Pools,
) {
  // The raw target, still percent-encoded: the agent must get the path exactly as sent (the
  // decoded wildcard would turn %20 into a path Node refuses to send, %2e%2e into "..").
  const rawPath = req.url.split("?")[0] ?? "";
  const target = rawPath.slice(rawPath.indexOf("/proxy/") + "/proxy/".length);
  const slash = target.indexOf("/");
  if (slash < 0)
    throw new MeshError(
      ErrorCodes.PROXY_BAD_TARGET,
      "Invalid target format: missing path (expected /proxy/{host}:{port}/mcp)",
    );
  const hostPort = target.slice(0, slash);
  const path = target.slice(slash);
  if (!isMcpPath(path)) throw new MeshError(ErrorCodes.PROXY_BAD_TARGET, "Only /mcp/* paths are allowed for proxying");
  const colon = hostPort.lastIndexOf(":");
  const host = hostPort.slice(0, colon);
  const port = Number(hostPort.slice(colon + 1));
  const row = registeredTarget(core, host, port);
  if (colon < 0 || !row)
    throw new MeshError(ErrorCodes.PROXY_FORBIDDEN, `Target host '${hostPort}' is not a registered agent`);
  if (row.status !== "healthy")
    throw new MeshError(ErrorCodes.PROXY_FORBIDDEN, `Target agent '${row.agent_id}' is not healthy`);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value !== "string") continue;
    // The caller's registry token is for us, never for the agent behind us.
    if (name === "authorization" && req.credential) continue;
    if (FORWARDED.includes(name) || matchesHeaderRule(name, opts.propagateHeaders)) {
      headers[name] = value;
    }
  }
  const budget = Number(req.headers["x-mesh-timeout"]);
  const query = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
  const timeoutMs =
    Number.isFinite(budget) && budget > 0 ? Math.min(budget * 1000, MAX_TIMEOUT_MS) : opts.defaultTimeoutMs;

  reply.hijack();
  const res = reply.raw;
  // writeHead(status, headers) does not record the headers where res.getHeader() would see them.
  let upstreamType = "";
  // An agent registered with a client certificate serves HTTPS (its endpoint says https://).
  const secure = row.entity_id !== "";
  const upstream = (secure ? https : http).request(
    {
      host: row.http_host,
      port,
      path: path + query,
      method: req.method,
      headers,
      agent: secure ? pools.https : pools.http,
    },
    (up) => {
      upstreamType = String(up.headers["content-type"] ?? "");
      res.writeHead(up.statusCode ?? 502, up.headers);
      res.flushHeaders();
      // Passed on as it comes (a stream's chunks must not wait), but no faster than the caller
      // reads: a caller that stops reading holds the agent back instead of filling our memory.
      up.on("data", (chunk: Buffer) => {
        if (!res.write(chunk)) {
          up.pause();
          res.once("drain", () => up.resume());
        }
      });
      up.on("end", () => {
        clearTimeout(timer);
        res.end();
      });
      up.on("error", () => res.destroy());
    },
  );
  const timer = setTimeout(() => {
    if (res.headersSent) {
      const sse = upstreamType.includes("text/event-stream");
      if (sse) res.write(`\n: mesh-proxy-timeout budget=${Math.round(timeoutMs / 1000)}s\n\n`);
      res.end();
    } else {
      fail(ErrorCodes.TIMEOUT, `Failed to reach target agent: no answer within ${Math.round(timeoutMs / 1000)}s`);
    }
    upstream.destroy();
  }, timeoutMs);
  // The reply is hijacked by now, so errors are written here, through the same code → status table.
  const fail = (code: ErrorCode, message: string) => {
    clearTimeout(timer);
    if (res.headersSent) return void res.destroy();
    res.writeHead(httpStatusOf(code), { "content-type": "application/json; charset=utf-8" });
    res.end(envelope(message));
  };
  upstream.on("error", (e) => {
    const code = (e as NodeJS.ErrnoException).code;
    const why = isTlsFailure(code) ? tlsFailureText(code as string) : e.message;
    fail(ErrorCodes.PROXY_UPSTREAM, `Failed to reach target agent: ${why}`);
  });
  res.on("close", () => {
    clearTimeout(timer);
    if (!res.writableFinished) upstream.destroy();
  });
  req.raw.pipe(upstream);
}

/**
 * Exactly /mcp or below it (the reference's rule, which meshctl's SSE paths rely on), with no
 * "." or ".." segment raw or percent-encoded, nor a backslash, so nothing outside /mcp of the
 * agent's host can be reached.
 */
function isMcpPath(path: string): boolean {
  if (path !== "/mcp" && !path.startsWith("/mcp/")) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  if (decoded.includes("\\")) return false;
  return !decoded.split("/").some((segment) => segment === "." || segment === "..");
}

/** The agent row a proxy target names: by registered host first, then by agent id or name. */
function registeredTarget(core: RegistryCore, host: string, port: number) {
  let byIdOrName: ReturnType<RegistryCore["agent"]>;
  for (const a of core.eachAgent()) {
    if (a.http_port !== port || a.http_host === "") continue;
    if (a.http_host === host) return a;
    if (!byIdOrName && (a.agent_id === host || a.name === host)) byIdOrName = a;
  }
  return byIdOrName;
}
