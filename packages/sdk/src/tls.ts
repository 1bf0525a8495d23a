// An agent's TLS (docs/security.md, "TLS and mTLS"): the reference's MCP_MESH_TLS_MODE/_CERT/
// _KEY/_CA. With a certificate and key the agent serves /mcp over HTTPS; its one dispatcher
// (registry, heartbeats, watch stream, dependency calls) trusts MCP_MESH_TLS_CA and shows the
// agent's certificate, so a registry or provider that checks client certificates knows who calls.
import { readFileSync } from "node:fs";
import { createSecureContext, type TlsOptions } from "node:tls";
import { ErrorCodes, MeshError, type TlsMode, tlsModeOf } from "@mcp-mesh/protocol";

/** PEM file paths, as given in code (`tls` option) or the environment. */
export interface TlsOptionsInput {
  /** off | auto | strict; default auto when `cert` and `key` are given, else off. */
  mode?: TlsMode;
  cert?: string;
  key?: string;
  ca?: string;
}

export interface TlsSettings {
  mode: TlsMode;
  cert: string | undefined;
  key: string | undefined;
  ca: string | undefined;
}

/** The files read: what the server and the dispatcher are built with. */
export interface TlsMaterial {
  mode: TlsMode;
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer;
}

/** Connect options of an undici dispatcher (and of node:https). */
export interface ClientTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

type Env = Record<string, string | undefined>;

/**
 * Environment beats code; every problem goes to `problems` (the config's collector). A `client`
 * (meshctl) serves nothing, so a mode without a certificate is no problem for it: it then just
 * shows none.
 */
export function parseTlsSettings(
  env: Env,
  code: TlsOptionsInput | undefined,
  problems: string[],
  role: "server" | "client" = "server",
): TlsSettings {
  const pick = (key: string, fromCode: string | undefined) => env[key]?.trim() || fromCode || undefined;
  const cert = pick("MCP_MESH_TLS_CERT", code?.cert);
  const key = pick("MCP_MESH_TLS_KEY", code?.key);
  const ca = pick("MCP_MESH_TLS_CA", code?.ca);
  const rawMode = pick("MCP_MESH_TLS_MODE", code?.mode);
  const mode = tlsModeOf(rawMode, cert !== undefined && key !== undefined);
  if (mode === undefined) {
    problems.push(`tls.mode = ${JSON.stringify(rawMode)} (or MCP_MESH_TLS_MODE): must be off, auto or strict`);
    return { mode: "off", cert, key, ca };
  }
  if (role === "client") return { mode, cert, key, ca };
  if (mode !== "off" && (!cert || !key))
    problems.push(
      `tls.mode = "${mode}": set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY (or tls.cert, tls.key) to PEM files`,
    );
  if (mode === "strict" && !ca)
    problems.push(`tls.mode = "strict": set MCP_MESH_TLS_CA (or tls.ca), the CA client certificates must be signed by`);
  return { mode, cert, key, ca };
}

function pem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new MeshError(ErrorCodes.CONFIG_INVALID, `cannot read ${what} ${path} (${why})`);
  }
}

/** Reads the files; throws CONFIG_INVALID naming the one that is missing or not PEM. */
export function loadTls(s: TlsSettings): TlsMaterial {
  const m: TlsMaterial = { mode: s.mode };
  // The CA is read whatever the mode: an agent serving plain HTTP may still call HTTPS providers.
  if (s.ca) m.ca = pem(s.ca, "MCP_MESH_TLS_CA");
  if (s.mode !== "off" && s.cert && s.key) {
    m.cert = pem(s.cert, "MCP_MESH_TLS_CERT");
    m.key = pem(s.key, "MCP_MESH_TLS_KEY");
  }
  try {
    createSecureContext({ ...(m.cert && { cert: m.cert, key: m.key }), ...(m.ca && { ca: m.ca }) });
  } catch (e) {
    throw new MeshError(
      ErrorCodes.CONFIG_INVALID,
      `MCP_MESH_TLS_CERT/KEY/CA are not a PEM certificate, its private key and a CA (${(e as Error).message})`,
    );
  }
  return m;
}

/** True when the agent serves HTTPS. */
export function servesHttps(m: TlsMaterial | undefined): m is TlsMaterial & { cert: Buffer; key: Buffer } {
  return m !== undefined && m.mode !== "off" && m.cert !== undefined && m.key !== undefined;
}

/**
 * The HTTPS server's options. Client certificates are asked for (when there is a CA to check
 * them against) but not demanded in the handshake: /mcp refuses a missing or bad one with a
 * clear 401 (http-server.ts), and the probes stay reachable for a kubelet that has none.
 */
export function serverTls(m: TlsMaterial & { cert: Buffer; key: Buffer }): TlsOptions {
  return { cert: m.cert, key: m.key, ...(m.ca ? { ca: m.ca, requestCert: true, rejectUnauthorized: false } : {}) };
}

/** How /mcp treats client certificates; undefined when none are asked for. */
export function clientCertificatePolicy(m: TlsMaterial | undefined): "optional" | "required" | undefined {
  if (!servesHttps(m) || !m.ca) return undefined;
  return m.mode === "strict" ? "required" : "optional";
}

/** What this process's outbound connections trust and show; undefined = Node's defaults. */
export function clientTls(m: TlsMaterial | undefined): ClientTls | undefined {
  if (!m) return undefined;
  const out: ClientTls = {
    ...(m.ca && { ca: m.ca }),
    ...(servesHttps(m) && { cert: m.cert, key: m.key }),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The client side from the environment alone, for processes that only call (meshctl, web apps'
 * API agents): throws CONFIG_INVALID with every problem at once.
 */
export function clientTlsFromEnv(env: Env = process.env): ClientTls | undefined {
  const problems: string[] = [];
  const settings = parseTlsSettings(env, undefined, problems, "client");
  if (problems.length > 0) throw new MeshError(ErrorCodes.CONFIG_INVALID, problems.join("; "));
  return clientTls(loadTls(settings));
}
