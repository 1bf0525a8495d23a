// meshctl's HTTP to the registry: fetch through an undici dispatcher that trusts the mesh's CA
// (MCP_MESH_TLS_CA, or --ca) and shows MCP_MESH_TLS_CERT/KEY when set, so `list`, `status`,
// `call` and `start` work against a registry that serves HTTPS or requires client certificates.
import { type ClientTls, clientTlsFromEnv } from "@mcp-mesh/sdk/client";
import { Agent, type Dispatcher, type RequestInit, type Response, fetch as undiciFetch } from "undici";

let dispatcher: Dispatcher | undefined;

/** The TLS options meshctl's calls use (read once: meshctl runs one command). */
export function meshctlTls(): ClientTls | undefined {
  return clientTlsFromEnv(process.env);
}

export function meshFetch(url: string, init: RequestInit = {}): Promise<Response> {
  if (!dispatcher) {
    const tls = meshctlTls();
    dispatcher = tls ? new Agent({ connect: { ...tls } }) : undefined;
  }
  return undiciFetch(url, { ...init, ...(dispatcher && { dispatcher }) });
}

export type { Response };
