// The one classifier from a failed HTTP exchange to a MeshError code. The proxy acts on the
// code: `unreachable` means the request never reached a tool (the next provider is tried at
// once); `timeout` means it may have (fail-over only where the call is declared safe to repeat).
import { ErrorCodes, isTlsFailure, MeshError, tlsFailureText } from "@mcp-mesh/protocol";

const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_ERRORS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** `where` names the tool and endpoint; `timedOut` is true when our own deadline fired. */
export function classifyError(err: unknown, where: string, timeoutMs: number, timedOut: boolean): MeshError {
  if (err instanceof MeshError) return err;
  const e = (err ?? {}) as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code ?? "";
  if (timedOut || TIMEOUT_ERRORS.has(code) || e.name === "TimeoutError")
    return new MeshError(ErrorCodes.TIMEOUT, `${where}: no answer within ${timeoutMs} ms`, { timeoutMs });
  // A failed handshake never reached a tool either: unreachable, in words that say what to fix.
  const reason = isTlsFailure(code)
    ? tlsFailureText(code)
    : CONNECT_ERRORS.has(code) || /ECONNREFUSED|ECONNRESET|socket/i.test(e.message ?? "")
      ? describe(code, e.message)
      : (e.message ?? String(err));
  // `reason` is the failure without the tool and endpoint, for callers that word it themselves.
  return new MeshError(ErrorCodes.UNREACHABLE, `${where}: ${reason}`, { cause: code || undefined, reason });
}

function describe(code: string, message: string | undefined): string {
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  return code || message || "connection failed";
}

/** An HTTP status that answered no JSON-RPC message: gateways' "not there" is unreachable. */
export function httpStatusError(status: number, body: string, where: string): MeshError {
  const text = errorText(body);
  const code =
    status === 502 || status === 503 || status === 504 ? ErrorCodes.UNREACHABLE : ErrorCodes.REMOTE_TOOL_ERROR;
  return new MeshError(code, `${where}: HTTP ${status}: ${text}`, { status, reason: `HTTP ${status}: ${text}` });
}

/** The registry proxy answers errors as {"error": "..."}; agents may answer plain text. */
function errorText(text: string): string {
  try {
    const v = JSON.parse(text) as { error?: unknown };
    if (typeof v.error === "string") return v.error;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 300) || "(empty body)";
}
