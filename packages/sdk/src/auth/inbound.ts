// Inbound authentication for /mcp (docs/security.md, "Agents"): bearer tokens, static or JWT,
// checked before any handler runs. Failures follow RFC 6750 as the MCP authorization spec asks:
// 401 with `WWW-Authenticate: Bearer ...` for a missing, malformed, wrong or expired token, 403
// (error="insufficient_scope") for a valid token a tool does not accept. The token itself never
// appears in an answer, a log line or ctx: only the verified identity does.
import { timingSafeEqual } from "node:crypto";
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";

export interface JwtAuthOptions {
  /** Required `iss`. */
  issuer?: string | string[];
  /** Required `aud`. */
  audience?: string | string[];
  /** Keys from a JWKS URL (fetched and cached by jose). */
  jwksUrl?: string;
  /** Or one HMAC secret (HS256): for development and tests. */
  secret?: string;
}

export interface AuthOptions {
  /** Static bearer tokens, any of which is accepted (rotation: list the old and the new). */
  tokens?: readonly string[];
  /** JWTs verified with issuer/audience/keys. */
  jwt?: JwtAuthOptions;
  /**
   * Only these subjects (a static token's subject is `token:<n>`, n its position) may call;
   * others get 403. For a tool, narrower than the agent's.
   */
  subjects?: readonly string[];
}

/** The verified caller, as a handler sees it in `ctx.auth`. */
export interface AuthIdentity {
  /** "certificate": the client certificate's CN (or SAN) over mTLS, when no token is checked. */
  kind: "token" | "jwt" | "certificate";
  subject: string;
  /** The JWT's claims (empty for a static token). */
  claims: Record<string, unknown>;
}

export type AuthOutcome =
  | { ok: true; identity: AuthIdentity }
  | {
      ok: false;
      status: 401 | 403;
      error: "invalid_request" | "invalid_token" | "insufficient_scope";
      description: string;
    };

export type Authenticator = (authorization: string | undefined) => Promise<AuthOutcome>;

/** An authenticator for one agent or tool, or undefined when `opts` asks for none. */
export function createAuthenticator(opts: AuthOptions | undefined): Authenticator | undefined {
  if (!opts) return undefined;
  const tokens = (opts.tokens ?? []).filter((t) => t.length > 0).map((t) => Buffer.from(t));
  const jwt = opts.jwt;
  const keys: JWTVerifyGetKey | Uint8Array | undefined = jwt?.jwksUrl
    ? createRemoteJWKSet(new URL(jwt.jwksUrl))
    : jwt?.secret
      ? new TextEncoder().encode(jwt.secret)
      : undefined;
  if (tokens.length === 0 && !keys) return undefined;
  const allowed = opts.subjects && opts.subjects.length > 0 ? new Set(opts.subjects) : undefined;
  const scoped = (identity: AuthIdentity): AuthOutcome =>
    allowed && !allowed.has(identity.subject)
      ? { ok: false, status: 403, error: "insufficient_scope", description: "this caller may not use this" }
      : { ok: true, identity };
  return async (authorization) => {
    const m = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(authorization?.trim() ?? "");
    if (!authorization) return fail("invalid_request", "a bearer token is required");
    if (!m?.[1]) return fail("invalid_request", "the Authorization header must be 'Bearer <token>'");
    const token = m[1];
    const given = Buffer.from(token);
    const n = tokens.findIndex((t) => t.length === given.length && timingSafeEqual(t, given));
    if (n >= 0) return scoped({ kind: "token", subject: `token:${n}`, claims: {} });
    if (keys && token.split(".").length === 3) {
      try {
        const { payload } = await jwtVerify(token, keys as never, {
          ...(jwt?.issuer !== undefined && { issuer: jwt.issuer }),
          ...(jwt?.audience !== undefined && { audience: jwt.audience }),
        });
        return scoped({ kind: "jwt", subject: subjectOf(payload), claims: { ...payload } });
      } catch (e) {
        // jose's messages name the failed check ("exp" claim timestamp check failed), never the token.
        return fail("invalid_token", `the token was refused: ${(e as Error).message}`);
      }
    }
    return fail("invalid_token", "the token is not valid for this agent");
  };
}

function subjectOf(payload: JWTPayload): string {
  return typeof payload.sub === "string" ? payload.sub : "jwt";
}

function fail(error: "invalid_request" | "invalid_token", description: string): AuthOutcome {
  return { ok: false, status: 401, error, description };
}

/** The RFC 6750 challenge for a refusal. */
export function challenge(outcome: Extract<AuthOutcome, { ok: false }>): string {
  const desc = outcome.description.replaceAll('"', "'");
  // No error attribute when no credentials were sent at all (RFC 6750 §3.1).
  if (outcome.error === "invalid_request" && desc.startsWith("a bearer token is required"))
    return 'Bearer realm="mcp-mesh"';
  return `Bearer realm="mcp-mesh", error="${outcome.error}", error_description="${desc}"`;
}

/** The agent's auth with MCP_MESH_AUTH_TOKENS and MCP_MESH_AUTH_JWKS_URL applied (docs/configuration.md): the environment wins. */
export function authFromEnv(
  env: Record<string, string | undefined>,
  code: AuthOptions | undefined,
): AuthOptions | undefined {
  const list = (v: string | undefined) =>
    v
      ?.split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const tokens = list(env.MCP_MESH_AUTH_TOKENS);
  const issuer = env.MCP_MESH_AUTH_JWT_ISSUER?.trim() || undefined;
  const audience = env.MCP_MESH_AUTH_JWT_AUDIENCE?.trim() || undefined;
  const jwksUrl = env.MCP_MESH_AUTH_JWKS_URL?.trim() || undefined;
  if (!tokens?.length && !jwksUrl) return code;
  return {
    ...code,
    ...(tokens?.length && { tokens }),
    ...(jwksUrl && { jwt: { ...code?.jwt, jwksUrl, ...(issuer && { issuer }), ...(audience && { audience }) } }),
  };
}
