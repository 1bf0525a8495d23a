// The registry's front door: when tokens are configured, every request but the probes needs a
// valid bearer. Runs on onRequest, before any body is read, so an anonymous 5 MB body costs
// nothing. Writes are also rate limited per credential here.
import type { TLSSocket } from "node:tls";
import { checkPeerCertificate, ErrorCodes, MeshError, type PeerCertificateCheck } from "@mcp-mesh/protocol";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Credential, CredentialSource } from "./credentials.js";
import { type JwtVerifier, looksLikeJwt } from "./jwt.js";
import { CERT_OWNER_PREFIX } from "./ownership.js";
import type { RateLimiter } from "./rate-limit.js";

export interface GuardOptions {
  credentials: CredentialSource;
  /** GET /agents, /events, /trace, /schemas, /ui without a token (MCP_MESH_REGISTRY_PUBLIC_READ). */
  publicRead: boolean;
  /** /metrics needs a token too (MCP_MESH_REGISTRY_PROTECT_METRICS). */
  protectMetrics: boolean;
  limiter: RateLimiter;
  /** JWTs signed by the configured JWKS (MCP_MESH_REGISTRY_JWKS_URL), when set. */
  jwt?: JwtVerifier;
  /**
   * Client certificates (HTTPS with MCP_MESH_TLS_CA): `optional` checks one when sent (a bad one
   * is 401), `required` refuses requests without one (MCP_MESH_TLS_MODE=strict).
   */
  clientCertificates?: "optional" | "required";
}

declare module "fastify" {
  interface FastifyRequest {
    /** The verified caller; undefined when auth is off or the route is open. */
    credential?: Credential;
    /** The identity (CN/SAN) of the verified client certificate, when one was shown. */
    clientCertificate?: string;
  }
}

const NO_CERTIFICATE: PeerCertificateCheck = { kind: "none" };

const PROBES = new Set(["/health", "/livez", "/ready", "/"]);

/** Changes state, holds an agent's stream, or reaches an agent: never opened by PUBLIC_READ. */
function isWrite(req: FastifyRequest, path: string): boolean {
  return req.method !== "GET" || path.startsWith("/watch/") || path.startsWith("/proxy/");
}

/** The bearer token of a request, or undefined. */
function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h !== "string") return undefined;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  app.decorateRequest("credential", undefined);
  app.decorateRequest("clientCertificate", undefined);
  // A refused client has no use for its connection: closing it after the 401/403 means a
  // thousand anonymous or foreign /watch attempts cannot each keep a socket for the keep-alive
  // timeout (72 s). Agents with the right token never get these answers.
  app.addHook("onSend", async (_req, reply) => {
    if (reply.statusCode === 401 || reply.statusCode === 403) reply.header("connection", "close");
  });
  app.addHook("onRequest", async (req) => {
    const path = (req.url.split("?")[0] ?? "").replace(/\/{2,}/g, "/");
    // Probes answer whatever Authorization says: a kubelet sends none, a misconfigured agent's
    // wrong token must not make the registry look down.
    if (PROBES.has(path)) return;
    const write = isWrite(req, path);
    const open = (path === "/metrics" && !opts.protectMetrics) || (!write && opts.publicRead && path !== "/metrics");
    const peer = opts.clientCertificates ? checkPeerCertificate(req.raw.socket as TLSSocket) : NO_CERTIFICATE;
    // A certificate that was sent must be good, whatever else the request carries.
    if (peer.kind === "refused") throw new MeshError(ErrorCodes.UNAUTHORIZED, peer.reason);
    if (peer.kind === "none" && opts.clientCertificates === "required" && !open)
      throw new MeshError(
        ErrorCodes.UNAUTHORIZED,
        "this registry requires a client certificate (MCP_MESH_TLS_MODE=strict): set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY to one its CA signed",
      );
    // The certificate is the caller's credential unless a bearer token names one (tokens carry
    // scopes; certificates do not).
    if (peer.kind === "verified") {
      req.clientCertificate = peer.identity;
      req.credential = { id: `${CERT_OWNER_PREFIX}${peer.identity}` };
    }
    if (opts.jwt || opts.credentials.enabled()) {
      const token = bearer(req);
      if (token !== undefined) {
        // A static token that happens to look like a JWT still matches as itself first.
        const c =
          opts.credentials.verify(token) ?? (opts.jwt && looksLikeJwt(token) ? await opts.jwt(token) : undefined);
        if (!c) throw new MeshError(ErrorCodes.UNAUTHORIZED, "invalid registry token (MCP_MESH_REGISTRY_TOKEN)");
        req.credential = c;
      } else if (!open && !req.credential) {
        throw new MeshError(
          ErrorCodes.UNAUTHORIZED,
          "this registry requires a token: set MCP_MESH_REGISTRY_TOKEN (Authorization: Bearer <token>)",
        );
      }
    }
    // Per credential only: without auth every local agent shares 127.0.0.1, and a laptop mesh
    // must never be throttled by its own heartbeats.
    if (req.credential && write && req.method !== "GET") {
      const wait = opts.limiter.take(req.credential.id);
      if (wait > 0)
        throw new MeshError(ErrorCodes.RATE_LIMITED, "too many registry writes from this credential; slow down", {
          retryAfterSeconds: Math.ceil(wait / 1000),
        });
    }
  });
}
