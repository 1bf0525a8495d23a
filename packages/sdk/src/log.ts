// The agent's logger: pino with secrets redacted wherever a log object carries them (a header
// bag, an options object, an error's request), so a token or API key never reaches a log line
// (docs/security.md, "Secrets"). URLs are logged through safeUrl: userinfo is a credential too.
import pino, { type Logger } from "pino";

const SECRET_KEYS = [
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "apiKey",
  "api_key",
  "token",
  "password",
  "secret",
];

/** pino paths: the key at the top, one and two levels down (pino redact has no deep wildcard). */
export const REDACT_PATHS = SECRET_KEYS.flatMap((k) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : `["${k}"]`;
  const dot = key.startsWith("[") ? key : `.${key}`;
  return [key, `*${dot}`, `*.*${dot}`];
});

export function createLogger(
  level: string,
  base: Record<string, unknown>,
  destination?: pino.DestinationStream,
): Logger {
  const opts = { level, base, redact: { paths: REDACT_PATHS, censor: "[redacted]" } };
  return destination ? pino(opts, destination) : pino(opts);
}

// One rule for URLs in logs, shared with the registry (userinfo is a credential).
export { safeUrl } from "@mcp-mesh/protocol";

/**
 * `text` with every occurrence of the given secrets replaced by "[redacted]". For messages that
 * come from outside (a vendor's error body can quote the API key it refused) and go on to a
 * caller, a log line and a trace. Values under 8 characters are not secrets worth a false hit.
 */
export function withoutSecrets(text: string, secrets: Iterable<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 8) out = out.split(s).join("[redacted]");
  return out;
}
