// The one place registry errors become HTTP: routes and the core throw MeshError codes, this
// maps each code to a status and the reference's envelope {"error", "timestamp"}.

import { type ErrorCode, ErrorCodes, isMeshError, MeshError, rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_JSON]: 400,
  [ErrorCodes.INVALID_REQUEST]: 400,
  [ErrorCodes.BAD_REQUEST]: 400,
  [ErrorCodes.AGENT_ID_REQUIRED]: 400,
  [ErrorCodes.PROXY_BAD_TARGET]: 400,
  [ErrorCodes.PROXY_FORBIDDEN]: 403,
  [ErrorCodes.UNAUTHORIZED]: 401,
  [ErrorCodes.FORBIDDEN]: 403,
  [ErrorCodes.RATE_LIMITED]: 429,
  [ErrorCodes.NOT_FOUND]: 404,
  [ErrorCodes.REQUEST_TIMEOUT]: 408,
  [ErrorCodes.AGENT_GONE]: 410,
  [ErrorCodes.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCodes.HEADERS_TOO_LARGE]: 431,
  [ErrorCodes.PROXY_UPSTREAM]: 502,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.TIMEOUT]: 504,
};

/** HTTP status of a code; anything not meant for HTTP callers is a 500. */
export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 500;
}

/** The envelope body, for the few places that write to a raw socket or response. */
export function envelope(message: string): string {
  return JSON.stringify({ error: message, timestamp: rfc3339(Date.now()) });
}

/** Headers an error status needs: the bearer challenge on 401, Retry-After on 429. */
export function errorHeaders(err: MeshError): Record<string, string> {
  if (err.code === ErrorCodes.UNAUTHORIZED) return { "www-authenticate": 'Bearer realm="mcp-mesh-registry"' };
  if (err.code === ErrorCodes.RATE_LIMITED) return { "retry-after": String(err.details?.retryAfterSeconds ?? 1) };
  return {};
}

export function sendError(reply: FastifyReply, err: MeshError) {
  return reply
    .headers(errorHeaders(err))
    .code(httpStatusOf(err.code))
    .type("application/json; charset=utf-8")
    .send({ error: err.message, timestamp: rfc3339(Date.now()) });
}

/** Fastify's own errors (body limit, bad URL, content type) in terms of the catalogue. */
function fromFastify(err: FastifyError, bodyLimit: number): MeshError {
  if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new MeshError(
      ErrorCodes.PAYLOAD_TOO_LARGE,
      `request body larger than ${bodyLimit} bytes (MCP_MESH_BODY_LIMIT)`,
    );
  }
  if (err.statusCode === 408) return new MeshError(ErrorCodes.REQUEST_TIMEOUT, err.message);
  if (err.statusCode === 413) return new MeshError(ErrorCodes.PAYLOAD_TOO_LARGE, err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new MeshError(ErrorCodes.BAD_REQUEST, err.message);
  }
  return new MeshError(ErrorCodes.INTERNAL, "internal error");
}

/** The app's error handler: every failure answers with the envelope, never a stack trace. */
export function errorHandler(bodyLimit: number) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const mesh = isMeshError(err) ? err : fromFastify(err, bodyLimit);
    const status = httpStatusOf(mesh.code);
    if (status >= 500) req.log.error({ err }, "request failed");
    // A HEAD answer carries no body, whatever went wrong.
    if (req.method === "HEAD") return reply.code(status).headers(errorHeaders(mesh)).send();
    return sendError(reply, mesh);
  };
}
