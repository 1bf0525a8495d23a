// Which endpoints a provider may send the caller's propagated headers to. The provider-managed
// loop calls the `_mesh_endpoint` named in the request, which any caller can set: forwarding the
// caller's `authorization` there would hand it to whoever the caller (or an attacker in between)
// named. So propagated headers go only to endpoints of agents the registry lists as healthy;
// anywhere else (or with no registry, or when the registry cannot be asked) the call goes with
// its trace ids only (docs/security.md, "Agents").
import type { AgentListResponse } from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import { registryAuthHeaders } from "../../registry-auth.js";

/** How long one GET /agents answer is trusted, ms: registrations change on heartbeat timescales. */
const CACHE_MS = 2_000;
const TIMEOUT_MS = 2_000;
/** Bounds what one answer may cost (the registry's /agents for a large mesh). */
const MAX_BYTES = 8 * 1024 * 1024;

export type EndpointCheck = (endpoint: string) => Promise<boolean>;

export function registeredEndpoints(
  dispatcher: () => Dispatcher | undefined,
  registryUrl: () => string,
): EndpointCheck {
  let cached: { at: number; endpoints: Promise<Set<string>> } | undefined;
  const load = async (): Promise<Set<string>> => {
    const d = dispatcher();
    if (!d) return new Set();
    const base = new URL(registryUrl());
    const res = await d.request({
      origin: base.origin,
      path: `${base.pathname.replace(/\/$/, "")}/agents`,
      method: "GET",
      // GET /agents is protected when the registry requires a token (docs/security.md).
      headers: registryAuthHeaders(),
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    if (res.statusCode !== 200 || Number(res.headers["content-length"] ?? 0) > MAX_BYTES) {
      await res.body.dump();
      return new Set();
    }
    const body = (await res.body.json()) as AgentListResponse;
    const out = new Set<string>();
    for (const a of body.agents ?? [])
      if (a.status === "healthy" && typeof a.endpoint === "string") out.add(a.endpoint.replace(/\/+$/, ""));
    return out;
  };
  return async (endpoint) => {
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      const entry = {
        at: Date.now(),
        endpoints: load().catch(() => {
          // Not trusted for the next calls: one slow or failed answer must not stop every
          // forward for CACHE_MS (this call still goes with its trace ids only).
          if (cached === entry) cached = undefined;
          return new Set<string>();
        }),
      };
      cached = entry;
    }
    return (await cached.endpoints).has(endpoint.replace(/\/+$/, ""));
  };
}
