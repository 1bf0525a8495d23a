// The registry side of the wire: the registration payload (PROTOCOL.md §1.2, serialised like
// the reference runtimes) and the three calls an agent makes: POST /heartbeat (register / full
// heartbeat), HEAD /heartbeat/{id} (fast heartbeat), DELETE /agents/{id} (unregister).
import {
  type AgentRegistration,
  ErrorCodes,
  isTlsFailure,
  MeshError,
  type RegistrationResponse,
  tlsFailureText,
} from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import type { AgentConfig } from "./config.js";
import { registryAuthHeaders } from "./registry-auth.js";
import { type RuntimeTool, toRegistration } from "./tool.js";

const REGISTRY_TIMEOUT_MS = 5_000;

export function registrationPayload(
  config: AgentConfig,
  agentId: string,
  host: string,
  port: number,
  tools: RuntimeTool[],
  agentType: "mcp_agent" | "api" = "mcp_agent",
): AgentRegistration {
  const payload: AgentRegistration = {
    agent_id: agentId,
    name: config.name,
    agent_type: agentType,
    runtime: "typescript",
    version: config.version,
    http_host: host,
    http_port: port,
    namespace: config.namespace,
    a2a_producer: false,
    a2a_consumer: false,
    tools: tools.map(toRegistration),
  };
  if (config.description) payload.description = config.description;
  return payload;
}

/** The registry answered, but not with a successful registration. */
function rejected(message: string, status: number): MeshError {
  return new MeshError(ErrorCodes.REGISTRY_REJECTED, message, { status });
}

export async function postHeartbeat(
  dispatcher: Dispatcher,
  registryUrl: string,
  payload: AgentRegistration,
): Promise<RegistrationResponse> {
  const res = await dispatcher
    .request({
      origin: registryUrl,
      path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/heartbeat`,
      method: "POST",
      headers: { "content-type": "application/json", ...registryAuthHeaders() },
      body: JSON.stringify({ ...payload, timestamp: new Date().toISOString() }),
      headersTimeout: REGISTRY_TIMEOUT_MS,
      bodyTimeout: REGISTRY_TIMEOUT_MS,
    })
    .catch((err: unknown) => {
      // The registration is where a TLS mistake shows first: say which, and what to set.
      const code = (err as { code?: string }).code;
      if (!isTlsFailure(code)) throw err;
      throw new MeshError(ErrorCodes.UNREACHABLE, `TLS to the registry failed: ${tlsFailureText(code as string)}`);
    });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw rejected(`registry answered ${res.statusCode}: ${text.slice(0, 300)}`, res.statusCode);
  let body: RegistrationResponse;
  try {
    body = JSON.parse(text) as RegistrationResponse;
  } catch {
    throw rejected(`registry answered ${res.statusCode} with a body that is not JSON: ${text.slice(0, 300)}`, 200);
  }
  // The registry answers HTTP 200 even for semantic errors; the status field tells.
  if (body.status !== "success") throw rejected(`registration refused: ${body.message}`, res.statusCode);
  return body;
}

/** Fast heartbeat: 200 nothing changed, 202 topology changed, 410 re-register (others: failure). */
export async function headHeartbeat(dispatcher: Dispatcher, registryUrl: string, agentId: string): Promise<number> {
  const res = await dispatcher.request({
    origin: registryUrl,
    path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/heartbeat/${encodeURIComponent(agentId)}`,
    method: "HEAD",
    headers: registryAuthHeaders(),
    headersTimeout: REGISTRY_TIMEOUT_MS,
    bodyTimeout: REGISTRY_TIMEOUT_MS,
  });
  await res.body.dump();
  return res.statusCode;
}

export async function deleteAgent(dispatcher: Dispatcher, registryUrl: string, agentId: string): Promise<void> {
  const res = await dispatcher.request({
    origin: registryUrl,
    path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/agents/${encodeURIComponent(agentId)}`,
    method: "DELETE",
    headers: registryAuthHeaders(),
    headersTimeout: 2_000,
    bodyTimeout: 2_000,
  });
  await res.body.dump();
}
