// Which registry a command talks to. Same precedence as the reference meshctl (PROTOCOL.md
// §5.3) plus the variable our agents read, so `meshctl` and agents agree without flags:
// --registry-url > --registry-host/--registry-port > MCP_MESH_REGISTRY_URL >
// MCP_MESH_REGISTRY_HOST/MCP_MESH_REGISTRY_PORT > http://localhost:8000.
import { usageError } from "./errors.js";

export interface RegistryFlags {
  "registry-url"?: string | undefined;
  "registry-host"?: string | undefined;
  "registry-port"?: string | undefined;
}

export const DEFAULT_REGISTRY_URL = "http://localhost:8000";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "0.0.0.0", "[::]"]);

/** A registry on this machine: one meshctl may start, and one its agents reach on loopback. */
export function isLocalUrl(url: string): boolean {
  return LOCAL_HOSTS.has(new URL(url).hostname);
}

export function resolveRegistryUrl(flags: RegistryFlags, env: NodeJS.ProcessEnv): string {
  const fromHostPort = (host: string | undefined, port: string | undefined) =>
    host === undefined && port === undefined ? undefined : `http://${host ?? "localhost"}:${port ?? "8000"}`;
  const raw =
    flags["registry-url"] ??
    fromHostPort(flags["registry-host"], flags["registry-port"]) ??
    (env.MCP_MESH_REGISTRY_URL || undefined) ??
    fromHostPort(env.MCP_MESH_REGISTRY_HOST || undefined, env.MCP_MESH_REGISTRY_PORT || undefined) ??
    DEFAULT_REGISTRY_URL;
  return normalizeUrl(raw, "registry URL");
}

/** http(s) URL without a trailing slash; a bare host:port gets http://. */
export function normalizeUrl(raw: string, what: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw usageError(`invalid ${what} '${raw}': expected http://host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`invalid ${what} '${raw}': only http:// and https:// are supported`);
  }
  return url.href.replace(/\/+$/, "");
}
