// Answers to requests the HTTP parser refuses before any route runs: headers too large (431),
// a request not received in time (408), malformed HTTP (400). Each answer is the registry's
// envelope with `Connection: close`, no body for HEAD, and the connection is closed gently.

import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { envelope } from "./routes/errors.js";

/** How long a refused client may keep sending before its socket is destroyed. */
const LINGER_MS = 2000;

type ParserError = Error & { code?: string; rawPacket?: unknown };

function classify(err: ParserError): [status: number, message: string] {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return [431, "request headers too large"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "request not received in time (MCP_MESH_REQUEST_TIMEOUT)"];
    default:
      return [400, "malformed HTTP request"];
  }
}

export function clientErrorHandler(logger: Logger) {
  const answered = new WeakSet<Socket>();
  return (err: ParserError, socket: Socket): void => {
    if (err.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
    answered.add(socket);
    const [status, message] = classify(err);
    logger.debug({ code: err.code, status }, "refused a request before routing");
    const raw = err.rawPacket;
    const head = Buffer.isBuffer(raw) && raw.subarray(0, 5).toString("latin1") === "HEAD ";
    const body = head ? "" : envelope(message);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
          `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    // Closing a socket that still has unread input makes the kernel send a reset, and the
    // client sees ECONNRESET instead of our answer: finish our side, drain theirs, then go.
    socket.end();
    socket.on("data", () => {});
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
}
