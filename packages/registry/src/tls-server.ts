// HTTPS for the registry (MCP_MESH_TLS_MODE, _CERT, _KEY, _CA): the server's certificate, and
// client certificates asked for but not demanded in the handshake, so that /health stays
// reachable for probes and a client without one hears a clear 401 instead of a cut connection
// (auth/guard.ts decides).
import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContextOptions, type TlsOptions } from "node:tls";
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { RegistryConfig } from "./config.js";

export interface RegistryTls {
  /** For Fastify's `https` option. */
  server: TlsOptions;
  /** For /proxy's calls to agents that serve HTTPS: trust the CA, show our certificate. */
  client: SecureContextOptions;
}

function pem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MeshError(ErrorCodes.CONFIG_INVALID, `cannot read ${what} ${path} (${code ?? (e as Error).message})`);
  }
}

/** Undefined when TLS is off; throws CONFIG_INVALID naming the file that cannot be read. */
export function registryTls(config: RegistryConfig): RegistryTls | undefined {
  if (config.tlsMode === "off") return undefined;
  const cert = pem(config.tlsCert, "MCP_MESH_TLS_CERT");
  const key = pem(config.tlsKey, "MCP_MESH_TLS_KEY");
  const ca = config.tlsCa ? pem(config.tlsCa, "MCP_MESH_TLS_CA") : undefined;
  try {
    createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
  } catch (e) {
    throw new MeshError(
      ErrorCodes.CONFIG_INVALID,
      `MCP_MESH_TLS_CERT/KEY/CA are not a PEM certificate, its private key and a CA (${(e as Error).message})`,
    );
  }
  return {
    server: {
      cert,
      key,
      // Without a CA no client certificate could verify: none is asked for, so agents that
      // always send theirs are not refused for it.
      ...(ca ? { ca, requestCert: true, rejectUnauthorized: false } : {}),
    },
    client: { cert, key, ...(ca ? { ca } : {}) },
  };
}
