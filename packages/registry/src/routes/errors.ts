// The one place HTTP errors are shaped: the reference's envelope {"error", "timestamp"}.

import { rfc3339 } from "@mcp-mesh/protocol";
import type { FastifyReply } from "fastify";

export function sendError(reply: FastifyReply, status: number, message: string, extra?: Record<string, unknown>) {
  return reply
    .code(status)
    .type("application/json; charset=utf-8")
    .send({ error: message, timestamp: rfc3339(Date.now()), ...extra });
}
