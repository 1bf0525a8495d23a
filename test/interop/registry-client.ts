// Minimal HTTP client for the registry endpoints the interop tests use (PROTOCOL.md §1).
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface HttpResult<T = Json> {
  status: number;
  body: T;
}

async function readJson(res: Response): Promise<Json> {
  const text = await res.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text; // e.g. "404 page not found" (text/plain)
  }
}

export async function postHeartbeat(baseUrl: string, registration: JsonObject): Promise<HttpResult<JsonObject>> {
  const res = await fetch(`${baseUrl}/heartbeat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(registration),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await readJson(res);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new Error(`POST /heartbeat on ${baseUrl}: HTTP ${res.status}, non-object body ${JSON.stringify(body)}`);
  }
  return { status: res.status, body };
}

export async function deleteAgent(baseUrl: string, agentId: string): Promise<number> {
  const res = await fetch(`${baseUrl}/agents/${encodeURIComponent(agentId)}`, {
    method: "DELETE",
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function listAgents(baseUrl: string): Promise<JsonObject[]> {
  const res = await fetch(`${baseUrl}/agents`, { signal: AbortSignal.timeout(15_000) });
  const body = (await readJson(res)) as JsonObject;
  if (res.status !== 200) throw new Error(`GET /agents on ${baseUrl}: HTTP ${res.status}`);
  return (body.agents as JsonObject[] | null) ?? []; // reference sends null when empty
}
