// JWT bearer tokens (jose): signature checked against a JWKS (fetched and cached by jose, keys
// rotated by the issuer), issuer and audience when configured, expiry always. The credential is
// the token's issuer + subject; its capability scopes come from the `mesh_capabilities` claim.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { createRemoteJWKSet, errors, jwtVerify } from "jose";
import type { Credential } from "./credentials.js";

export interface JwtOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
}

export type JwtVerifier = (token: string) => Promise<Credential>;

/** Three base64url parts: worth trying as a JWT before the static tokens. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

export function createJwtVerifier(opts: JwtOptions): JwtVerifier {
  const keys = createRemoteJWKSet(new URL(opts.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        ...(opts.issuer ? { issuer: opts.issuer } : {}),
        ...(opts.audience ? { audience: opts.audience } : {}),
        requiredClaims: ["exp", "sub"],
      });
      const caps = payload.mesh_capabilities;
      const capabilities = Array.isArray(caps) ? caps.filter((c): c is string => typeof c === "string") : undefined;
      return { id: `jwt:${payload.iss ?? ""}|${payload.sub ?? ""}`, ...(capabilities ? { capabilities } : {}) };
    } catch (e) {
      // The reason, never the token: expired, wrong issuer/audience, bad signature, no key.
      if (e instanceof errors.JWTExpired) throw new MeshError(ErrorCodes.UNAUTHORIZED, "registry token expired");
      if (e instanceof errors.JWTClaimValidationFailed)
        throw new MeshError(ErrorCodes.UNAUTHORIZED, `registry token refused: claim '${e.claim}' ${e.reason}`);
      if (e instanceof errors.JWKSTimeout || !(e instanceof errors.JOSEError))
        throw new MeshError(ErrorCodes.UNAUTHORIZED, "registry token could not be checked (JWKS unreachable)");
      throw new MeshError(ErrorCodes.UNAUTHORIZED, "invalid registry token (signature or format)");
    }
  };
}
