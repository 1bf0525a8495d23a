// The registry's read API as meshctl uses it. Works against the reference registry too:
// GET /agents/{id} is ours, so a 404 there falls back to the list.
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
  readonly url: string;
  /** True when GET /health answers 200 within the timeout. */
  isUp(): Promise<boolean>;
  agents(): Promise<AgentInfo[]>;
  agent(id: string): Promise<AgentInfo | undefined>;
  events(query: EventQuery): Promise<EventInfo[]>;
}

export function unreachable(url: string, cause: unknown): MeshError {
  const why = describeNetworkError(cause);
  return new MeshError(
    ErrorCodes.UNREACHABLE,
    `cannot reach the registry at ${url} (${why}): start one with 'meshctl start --registry-only' or pass --registry-url`,
    { url },
  );
}

export function describeNetworkError(cause: unknown): string {
  const e = cause as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError") return "no answer in time";
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

export function createRegistryClient(url: string, timeoutMs = 10_000): RegistryClient {
  async function get(path: string): Promise<Response> {
    try {
      return await meshFetch(`${url}${path}`, { headers: authHeaders(), signal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      // A certificate file meshctl cannot read is its own clear error, not "unreachable".
      if (e instanceof MeshError) throw e;
      throw unreachable(url, e);
    }
  }
  async function getJson<T>(path: string): Promise<T> {
    const res = await get(path);
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
    url,
    async isUp() {
      try {
        const res = await meshFetch(`${url}/health`, { signal: AbortSignal.timeout(Math.min(timeoutMs, 2000)) });
        await res.arrayBuffer();
        return res.ok;
      } catch (e) {
        // Something answers, but TLS failed: starting a registry in its place would not help.
        const code = (e as { cause?: { code?: string } }).cause?.code;
        if (e instanceof MeshError) throw e;
        if (isTlsFailure(code) && code !== "EPROTO" && code !== "ERR_SSL_WRONG_VERSION_NUMBER")
          throw unreachable(url, e);
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
