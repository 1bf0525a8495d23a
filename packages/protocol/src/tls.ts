// TLS rules the registry, the agents and meshctl share (docs/security.md, "TLS and mTLS"): the
// reference's MCP_MESH_TLS_MODE values, which name of a client certificate is its identity, and
// one readable sentence for the handshake failures people actually meet. Pure: no files, no sockets.

/** off: plain HTTP. auto: HTTPS, a client certificate is checked when sent. strict: one is required. */
export const TLS_MODES = ["off", "auto", "strict"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/**
 * The mode in force: MCP_MESH_TLS_MODE when set, else `auto` when a certificate and key are
 * given (asking for a certificate means asking for TLS), else `off`.
 */
export function tlsModeOf(raw: string | undefined, hasCertAndKey: boolean): TlsMode | undefined {
  const v = raw?.trim().toLowerCase();
  if (!v) return hasCertAndKey ? "auto" : "off";
  return (TLS_MODES as readonly string[]).includes(v) ? (v as TlsMode) : undefined;
}

/** What node:tls reports of a peer certificate (the part we read). */
export interface PeerCertificateLike {
  subject?: { CN?: string | string[] } | null;
  subjectaltname?: string;
}

/**
 * The identity a client certificate stands for: its subject CN, else its first URI SAN (SPIFFE
 * ids live there), else its first DNS SAN. Undefined for a certificate naming nothing.
 */
export function certificateIdentity(cert: PeerCertificateLike | null | undefined): string | undefined {
  if (!cert) return undefined;
  const cn = cert.subject?.CN;
  const first = Array.isArray(cn) ? cn[0] : cn;
  if (first) return first;
  const sans = (cert.subjectaltname ?? "").split(/,\s*/);
  const pick = (prefix: string) => sans.find((s) => s.startsWith(prefix))?.slice(prefix.length);
  return pick("URI:") ?? pick("DNS:") ?? undefined;
}

/** What a server learns of the client's certificate on one TLS connection. */
export type PeerCertificateCheck =
  | { kind: "none" }
  | { kind: "verified"; identity: string }
  | { kind: "refused"; reason: string };

/** The part of a node:tls TLSSocket this reads; a plain socket has no `getPeerCertificate`. */
export interface TlsSocketLike {
  authorized?: boolean;
  authorizationError?: Error | string | null;
  getPeerCertificate?: () => PeerCertificateLike | Record<string, never> | null;
}

/**
 * Checks the client certificate of a connection whose server asked for one but does not refuse
 * the handshake without it (`requestCert: true, rejectUnauthorized: false`), so that probes and
 * clear HTTP answers stay possible.
 */
export function checkPeerCertificate(socket: TlsSocketLike): PeerCertificateCheck {
  // Once per connection: a keep-alive connection carries many heartbeats, its certificate one.
  let check = checked.get(socket);
  if (!check) {
    check = checkOnce(socket);
    checked.set(socket, check);
  }
  return check;
}

const checked = new WeakMap<TlsSocketLike, PeerCertificateCheck>();

function checkOnce(socket: TlsSocketLike): PeerCertificateCheck {
  const cert = socket.getPeerCertificate?.();
  if (!cert || Object.keys(cert).length === 0) return { kind: "none" };
  if (!socket.authorized) {
    const why = socket.authorizationError;
    const code = typeof why === "string" ? why : (why as { code?: string } | null)?.code;
    // No hint here: the fix is on the client's side, which hears only "not trusted".
    const text = code ? (TLS_FAILURES[code] ?? code) : String(why);
    return { kind: "refused", reason: `client certificate not trusted: ${text}` };
  }
  const identity = certificateIdentity(cert as PeerCertificateLike);
  if (!identity) return { kind: "refused", reason: "client certificate names no subject CN or SAN" };
  return { kind: "verified", identity };
}

const TLS_FAILURES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "certificate not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT: "certificate not signed by a trusted CA",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "certificate not signed by a trusted CA",
  SELF_SIGNED_CERT_IN_CHAIN: "certificate not signed by a trusted CA",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate, not a trusted CA's",
  CERT_HAS_EXPIRED: "certificate expired",
  CERT_NOT_YET_VALID: "certificate not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "certificate not issued for this host name",
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: "the server requires a client certificate",
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: "the server refused our client certificate",
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: "the server does not trust the CA of our client certificate",
  ERR_SSL_WRONG_VERSION_NUMBER: "the server does not speak TLS (is it http://?)",
  EPROTO: "TLS protocol error (is the server http://?)",
};

/** True for an error code of a failed TLS handshake or certificate check. */
export function isTlsFailure(code: string | undefined): boolean {
  return code !== undefined && (code in TLS_FAILURES || /^ERR_SSL_|^ERR_TLS_|CERT/.test(code));
}

/**
 * One sentence for a TLS failure code (Node's and OpenSSL's), with what to do about the usual
 * ones; the code itself stays in brackets for searching.
 */
export function tlsFailureText(code: string): string {
  const text = TLS_FAILURES[code];
  if (!text) return code;
  const hint = /CA|self-signed/.test(text)
    ? ": set MCP_MESH_TLS_CA to the mesh's CA certificate"
    : /client certificate/.test(text)
      ? ": set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY to a certificate of the mesh's CA"
      : "";
  return `${text}${hint} [${code}]`;
}
