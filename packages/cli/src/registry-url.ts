// Which registry a command talks to. Same precedence as the reference meshctl (PROTOCOL.md
// §5.3) plus the variable our agents read, so `meshctl` and agents agree without flags:
// --registry-url > --registry-host/--registry-port > MCP_MESH_REGISTRY_URL >
// MCP_MESH_REGISTRY_HOST/MCP_MESH_REGISTRY_PORT > http://localhost:8000.
// --registry-url and MCP_MESH_REGISTRY_URL may list several registries, comma-separated (as
// agents take them): a command tries them in order (registry-client.ts).
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

function fromHostPort(host: string | undefined, port: string | undefined): string | undefined {
  return host === undefined && port === undefined ? undefined : `http://${host ?? "localhost"}:${port ?? "8000"}`;
}

/** The raw registry setting by precedence, and where it came from (named in errors). */
function registrySetting(flags: RegistryFlags, env: NodeJS.ProcessEnv): [raw: string, source: string] {
  if (flags["registry-url"] !== undefined) return [flags["registry-url"], "--registry-url"];
  const fromFlags = fromHostPort(flags["registry-host"], flags["registry-port"]);
  if (fromFlags) return [fromFlags, "--registry-host/--registry-port"];
  if (env.MCP_MESH_REGISTRY_URL) return [env.MCP_MESH_REGISTRY_URL, "MCP_MESH_REGISTRY_URL"];
  const fromEnv = fromHostPort(env.MCP_MESH_REGISTRY_HOST || undefined, env.MCP_MESH_REGISTRY_PORT || undefined);
  return [fromEnv ?? DEFAULT_REGISTRY_URL, "MCP_MESH_REGISTRY_HOST/PORT"];
}

/** The registries a command may use, in order; at least one. */
export function resolveRegistryUrls(flags: RegistryFlags, env: NodeJS.ProcessEnv): string[] {
  const [raw, source] = registrySetting(flags, env);
  const entries = raw.split(",").map((e) => e.trim());
  const urls: string[] = [];
  entries.forEach((entry, i) => {
    const what = entries.length > 1 ? `registry URL (entry ${i + 1} of ${source})` : "registry URL";
    if (entry === "")
      throw usageError(`empty ${what}: give URLs separated by commas, e.g. http://a:8000,http://b:8000`);
    const url = normalizeUrl(entry, what);
    if (!urls.includes(url)) urls.push(url);
  });
  return urls;
}

/** The first registry of `resolveRegistryUrls`. */
export function resolveRegistryUrl(flags: RegistryFlags, env: NodeJS.ProcessEnv): string {
  return resolveRegistryUrls(flags, env)[0] as string;
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
