// The registry's read API as meshctl uses it. Works against the reference registry too:
// GET /agents/{id} is ours, so a 404 there falls back to the list. Given several registries
// (replicas), each request tries them in order, starting with the one that answered last: a
// registry that does not answer (connection refused, timeout, 5xx) is skipped.
import { isTlsFailure, tlsFailureText } from "@mcp-mesh/protocol";
import type { AgentInfo, EventInfo } from "./agent-info.js";
import { ErrorCodes, MeshError } from "./errors.js";
import { meshFetch, type Response } from "./mesh-fetch.js";

export interface EventQuery {
  type?: string | undefined;
  agentId?: string | undefined;
  functionName?: string | undefined;
  limit?: number | undefined;
}

export interface RegistryClient {
  /** The registry that answered last (the first one before any request). */
  readonly url: string;
  /** GET `path` (with the registry token) from the first registry that answers. */
  get(path: string): Promise<Response>;
  /** True when GET /health answers 200 within the timeout. */
  isUp(): Promise<boolean>;
  agents(): Promise<AgentInfo[]>;
  agent(id: string): Promise<AgentInfo | undefined>;
  events(query: EventQuery): Promise<EventInfo[]>;
}

export function unreachable(url: string, cause: unknown): MeshError {
  return unreachableAll([{ url, cause }]);
}

/** None of the registries answered: each one with why. */
export function unreachableAll(failures: { url: string; cause: unknown }[]): MeshError {
  const hint = "start one with 'meshctl start --registry-only' or pass --registry-url";
  const [only] = failures;
  if (failures.length === 1 && only)
    return new MeshError(
      ErrorCodes.UNREACHABLE,
      `cannot reach the registry at ${only.url} (${describeNetworkError(only.cause)}): ${hint}`,
      { url: only.url },
    );
  const each = failures.map((f) => `${f.url}: ${describeNetworkError(f.cause)}`).join("; ");
  return new MeshError(ErrorCodes.UNREACHABLE, `cannot reach any of the registries (${each}): ${hint}`, {
    urls: failures.map((f) => f.url),
  });
}

export function describeNetworkError(cause: unknown): string {
  const e = cause as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return "no answer in time";
  if (typeof (cause as { status?: unknown })?.status === "number")
    return `answered ${(cause as { status: number }).status}`;
  const code = e?.cause?.code ?? e?.code;
  if (isTlsFailure(code)) return tlsFailureText(code as string);
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host";
  if (code) return code;
  return e?.cause?.message ?? e?.message ?? String(cause);
}

/** The registry token meshctl sends, as agents do (MCP_MESH_REGISTRY_TOKEN). */
function authHeaders(): Record<string, string> {
  const token = process.env.MCP_MESH_REGISTRY_TOKEN?.split(",")[0]?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

function authHint(status: number): string {
  if (status === 401) return " (set MCP_MESH_REGISTRY_TOKEN to a token the registry accepts)";
  if (status === 403) return " (this token or client certificate may not do that)";
  return "";
}

export function createRegistryClient(urls: string | readonly string[], timeoutMs = 10_000): RegistryClient {
  const list = typeof urls === "string" ? [urls] : [...urls];
  let current = 0;
  /**
   * `send` against each registry in turn from the current one; the first that answers wins.
   * `tlsIsFinal`: a TLS refusal ends the search (something answers there; asking elsewhere or
   * starting a registry in its place would not help).
   */
  async function first(send: (url: string) => Promise<Response>, tlsIsFinal = false): Promise<Response> {
    const failures: { url: string; cause: unknown }[] = [];
    for (let i = 0; i < list.length; i++) {
      const at = (current + i) % list.length;
      const url = list[at] as string;
      try {
        const res = await send(url);
        // A 5xx from one replica (its store is down) is worth asking the next; the last one's stands.
        if (res.status >= 500 && failures.length < list.length - 1) {
          await res.arrayBuffer().catch(() => undefined);
          failures.push({ url, cause: { status: res.status } });
          continue;
        }
        current = at;
        return res;
      } catch (e) {
        // A certificate file meshctl cannot read is its own clear error, not "unreachable".
        if (e instanceof MeshError) throw e;
        const code = (e as { cause?: { code?: string } }).cause?.code;
        if (tlsIsFinal && isTlsFailure(code) && code !== "EPROTO" && code !== "ERR_SSL_WRONG_VERSION_NUMBER") {
          const refused = unreachable(url, e);
          if (refused.details) refused.details.tls = true;
          throw refused;
        }
        failures.push({ url, cause: e });
      }
    }
    throw unreachableAll(failures);
  }
  const get = (path: string) =>
    first((url) => meshFetch(`${url}${path}`, { headers: authHeaders(), signal: AbortSignal.timeout(timeoutMs) }));
  async function getJson<T>(path: string): Promise<T> {
    const res = await get(path);
    const url = list[current] as string;
    const text = await res.text();
    if (!res.ok) {
      throw new MeshError(
        ErrorCodes.UNREACHABLE,
        `the registry at ${url} answered ${res.status} to GET ${path}: ${errorText(text)}${authHint(res.status)}`,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new MeshError(
        ErrorCodes.UNREACHABLE,
        `${url} answered GET ${path} with something that is not JSON: is it an MCP Mesh registry?`,
      );
    }
  }
  return {
    get url() {
      return list[current] as string;
    },
    get,
    async isUp() {
      try {
        const res = await first(
          (url) => meshFetch(`${url}/health`, { signal: AbortSignal.timeout(Math.min(timeoutMs, 2000)) }),
          true,
        );
        await res.arrayBuffer();
        return res.ok;
      } catch (e) {
        // A TLS refusal or an unreadable certificate is final; "nothing answers" is not.
        if (e instanceof MeshError && (e.code !== ErrorCodes.UNREACHABLE || e.details?.tls)) throw e;
        return false;
      }
    },
    async agents() {
      const body = await getJson<{ agents: AgentInfo[] | null }>("/agents");
      return body.agents ?? [];
    },
    async agent(id) {
      const res = await get(`/agents/${encodeURIComponent(id)}`);
      if (res.ok) return (await res.json()) as AgentInfo;
      await res.arrayBuffer();
      if (res.status !== 404)
        throw new MeshError(ErrorCodes.UNREACHABLE, `the registry answered ${res.status}${authHint(res.status)}`);
      // The reference has no GET /agents/{id}; an unknown id is a 404 on ours too.
      return (await this.agents()).find((a) => a.id === id);
    },
    async events(query) {
      const params = new URLSearchParams();
      if (query.type) params.set("type", query.type);
      if (query.agentId) params.set("agent_id", query.agentId);
      if (query.functionName) params.set("function_name", query.functionName);
      if (query.limit) params.set("limit", String(query.limit));
      const body = await getJson<{ events: EventInfo[] | null }>(`/events?${params}`);
      return body.events ?? [];
    },
  };
}

function errorText(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: string };
    if (parsed.error) return parsed.error;
  } catch {
    // plain text
  }
  return text.trim().slice(0, 200) || "(empty body)";
}
