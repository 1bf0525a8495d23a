// The agent's HTTP listener: /mcp (stateless MCP streamable HTTP, JSON or SSE) and
// the probes /livez, /ready, /health, /startupz, /metrics. Plain node:http: the mesh hop should
// cost what a JSON round-trip costs, nothing more.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TLSSocket, TlsOptions } from "node:tls";
import { checkPeerCertificate, RpcErrorCodes } from "@mcp-mesh/protocol";
import { type AuthGate, checkRequest } from "./auth/gate.js";
import { type AuthIdentity, type AuthOutcome, challenge } from "./auth/inbound.js";
import { drainOrClose, readBody } from "./http-io.js";
import { rpcError } from "./jsonrpc.js";
import type { McpEndpoint, RequestStream } from "./mcp-endpoint.js";

/** Largest /mcp body, a single message or a whole batch (docs/sdk.md, "Limits"). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/**
 * Most messages in one JSON-RPC batch. Every message of a batch is dispatched at once, so an
 * unbounded batch (40,000 calls in 4 MB) holds the event loop for seconds, /livez included.
 */
export const MAX_BATCH_MESSAGES = 100;

/**
 * How long a client may take to send a whole request (headers and body), ms: a body that never
 * finishes would otherwise hold its connection and buffer for Node's default 5 minutes.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface HttpLimits {
  requestTimeoutMs: number;
  /** How often Node checks those timeouts, ms. */
  checkIntervalMs: number;
}

export interface Probes {
  livez(): Record<string, unknown>;
  ready(): { ok: boolean; body: Record<string, unknown> };
  health(): Promise<{ ok: boolean; body: Record<string, unknown> }>;
  metrics(): Promise<{ contentType: string; text: string }>;
  /** Called after each /mcp request, for metrics and logs. */
  onMcpError?(err: unknown): void;
}

/** HTTPS: the server's options and how /mcp treats client certificates (tls.ts). */
export interface HttpsSetup {
  options: TlsOptions;
  clientCertificates: "optional" | "required" | undefined;
}

export function createHttpServer(
  endpoint: McpEndpoint,
  probes: Probes,
  gate?: AuthGate,
  limits: HttpLimits = { requestTimeoutMs: REQUEST_TIMEOUT_MS, checkIntervalMs: 1_000 },
  https?: HttpsSetup,
): Server {
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (path === "/mcp") {
      if (req.method === "POST") {
        const peer = https?.clientCertificates ? clientCertificate(req, https.clientCertificates) : undefined;
        if (peer && "refused" in peer) {
          req.resume();
          // As for a refused token: the caller keeps no socket for the keep-alive.
          res.setHeader("connection", "close");
          return sendJson(res, 401, rpcError(null, RpcErrorCodes.UNAUTHORIZED, `Unauthorized: ${peer.refused}`));
        }
        return void serveMcp(endpoint, req, res, gate, peer?.identity).catch((e) => fail(res, e, probes));
      }
      res.writeHead(405, { allow: "POST", "content-type": "application/json" });
      return void res.end(
        JSON.stringify(
          rpcError(null, RpcErrorCodes.METHOD_NOT_ALLOWED, "Method not allowed: this endpoint is stateless"),
        ),
      );
    }
    if (req.method !== "GET" && req.method !== "HEAD") return notFound(res);
    switch (path) {
      case "/livez":
        return json(res, req, 200, probes.livez());
      case "/ready":
      case "/startupz": {
        const r = probes.ready();
        return json(res, req, r.ok ? 200 : 503, r.body);
      }
      case "/health":
        return void probes
          .health()
          .then((r) => json(res, req, r.ok ? 200 : 503, r.body))
          .catch((e) => fail(res, e, probes));
      case "/metrics":
        return void probes
          .metrics()
          .then((m) => {
            res.writeHead(200, { "content-type": m.contentType });
            res.end(req.method === "HEAD" ? undefined : m.text);
          })
          .catch((e) => fail(res, e, probes));
      default:
        return notFound(res);
    }
  };
  const serverOptions = { keepAliveTimeout: 65_000, connectionsCheckingInterval: limits.checkIntervalMs };
  // An https.Server is an http.Server in all the agent uses (listen, close, timeouts); the types
  // only say tls.Server.
  const server = https
    ? (createHttpsServer({ ...https.options, ...serverOptions }, handler) as unknown as Server)
    : createServer(serverOptions, handler);
  server.headersTimeout = Math.min(30_000, limits.requestTimeoutMs);
  server.requestTimeout = limits.requestTimeoutMs;
  return server;
}

/**
 * The caller's client certificate: its identity, a refusal (a bad one, or none when required),
 * or nothing (none sent, none required).
 */
function clientCertificate(
  req: IncomingMessage,
  policy: "optional" | "required",
): { identity: AuthIdentity } | { refused: string } | undefined {
  const peer = checkPeerCertificate(req.socket as TLSSocket);
  if (peer.kind === "refused") return { refused: peer.reason };
  if (peer.kind === "verified") return { identity: { kind: "certificate", subject: peer.identity, claims: {} } };
  if (policy === "required")
    return {
      refused:
        "a client certificate is required (MCP_MESH_TLS_MODE=strict): set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY",
    };
  return undefined;
}

async function serveMcp(
  endpoint: McpEndpoint,
  req: IncomingMessage,
  res: ServerResponse,
  gate?: AuthGate,
  certificate?: AuthIdentity,
): Promise<void> {
  // Every message of a protected agent needs some token (the agent's or a tool's): a caller that
  // sends none is refused before its body is read.
  if (gate?.agent && !req.headers.authorization) {
    req.resume();
    return refuse(res, { ok: false, status: 401, error: "invalid_request", description: "a bearer token is required" });
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === null) {
    res.writeHead(413, { "content-type": "application/json", connection: "close" });
    res.end(
      JSON.stringify(rpcError(null, RpcErrorCodes.INVALID_REQUEST, `Request body larger than ${MAX_BODY_BYTES} bytes`)),
    );
    return;
  }
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch (e) {
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify(rpcError(null, RpcErrorCodes.PARSE_ERROR, `Parse error: ${(e as Error).message}`)));
    return;
  }
  const auth = gate ? await checkRequest(gate, message, req.headers.authorization) : undefined;
  if (auth && !auth.ok) return refuse(res, auth);
  // A bearer identity, when the agent checks tokens, says more than the certificate does.
  const identity = auth?.identity ?? certificate;
  // JSON unless the caller accepts only SSE (FastMCP-style clients read either). A caller that
  // accepts SSE also gets, on an SSE answer, what the server sends while its request runs (log,
  // progress, sampling, elicitation): the answer turns into a stream at the first such message.
  const accept = req.headers.accept ?? "";
  const acceptsSse = accept.includes("text/event-stream");
  let streaming = false;
  const stream: RequestStream | undefined = acceptsSse
    ? Object.assign(
        (m: Record<string, unknown>) => {
          if (res.writableEnded || res.destroyed) return false;
          if (!streaming) {
            res.writeHead(200, SSE_HEADERS);
            streaming = true;
          }
          res.write(sseEvent(JSON.stringify(m)));
          return true;
        },
        // A streaming tool waits here while its caller reads slower than it writes.
        { drained: () => (res.writableNeedDrain && !res.destroyed ? drainOrClose(res) : undefined) },
      )
    : undefined;
  // The caller going away ends its calls: nothing of theirs is kept once the request is over.
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort();
  });
  let response: unknown;
  if (Array.isArray(message)) {
    // 2025-03-26 batches: answer every request in one array.
    if (message.length === 0 || message.length > MAX_BATCH_MESSAGES) {
      const why = message.length === 0 ? "an empty batch" : `a batch of more than ${MAX_BATCH_MESSAGES} messages`;
      return sendJson(res, 400, rpcError(null, RpcErrorCodes.INVALID_REQUEST, `Invalid Request: ${why}`));
    }
    const answers = (
      await Promise.all(message.map((m) => endpoint.handle(m, req.headers, stream, gone.signal, identity)))
    ).filter((a) => a !== null);
    response = answers.length > 0 ? answers : null;
  } else {
    response = await endpoint.handle(message, req.headers, stream, gone.signal, identity);
  }
  if (gone.signal.aborted) return;
  if (streaming) {
    res.end(response === null ? undefined : sseEvent(JSON.stringify(response)));
    return;
  }
  if (response === null) {
    res.writeHead(202);
    res.end();
    return;
  }
  const text = JSON.stringify(response);
  if (acceptsSse && !accept.includes("application/json")) {
    res.writeHead(200, SSE_HEADERS);
    res.end(sseEvent(text));
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function refuse(res: ServerResponse, outcome: Extract<AuthOutcome, { ok: false }>): void {
  const text = JSON.stringify(rpcError(null, RpcErrorCodes.UNAUTHORIZED, `Unauthorized: ${outcome.description}`));
  res.writeHead(outcome.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "www-authenticate": challenge(outcome),
    // A refused caller keeps no socket (and no unread body) for the 65 s keep-alive.
    connection: "close",
  });
  res.end(text);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

function sseEvent(data: string): string {
  return `event: message\ndata: ${data}\n\n`;
}

function json(res: ServerResponse, req: IncomingMessage, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(req.method === "HEAD" ? undefined : text);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
  res.end("404 page not found");
}

function fail(res: ServerResponse, err: unknown, probes: Probes): void {
  probes.onMcpError?.(err);
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, { "content-type": "application/json" });
  res.end(JSON.stringify(rpcError(null, RpcErrorCodes.INTERNAL_ERROR, "Internal error")));
}
