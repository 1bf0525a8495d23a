// The registry side of the wire: the registration payload (PROTOCOL.md §1.2, serialised like
// the reference runtimes) and the three calls an agent makes: POST /heartbeat (register / full
// heartbeat), HEAD /heartbeat/{id} (fast heartbeat), DELETE /agents/{id} (unregister).
import type { AgentRegistration, RegistrationResponse } from "@mcp-mesh/protocol";
import type { Dispatcher } from "undici";
import type { AgentConfig } from "./config.js";
import { type RuntimeTool, toRegistration } from "./tool.js";

const REGISTRY_TIMEOUT_MS = 5_000;

export function registrationPayload(
  config: AgentConfig,
  agentId: string,
  host: string,
  port: number,
  tools: RuntimeTool[],
): AgentRegistration {
  const payload: AgentRegistration = {
    agent_id: agentId,
    name: config.name,
    agent_type: "mcp_agent",
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

export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function postHeartbeat(
  dispatcher: Dispatcher,
  registryUrl: string,
  payload: AgentRegistration,
): Promise<RegistrationResponse> {
  const res = await dispatcher.request({
    origin: registryUrl,
    path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/heartbeat`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...payload, timestamp: new Date().toISOString() }),
    headersTimeout: REGISTRY_TIMEOUT_MS,
    bodyTimeout: REGISTRY_TIMEOUT_MS,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new RegistryError(`registry answered ${res.statusCode}: ${text.slice(0, 300)}`, res.statusCode);
  const body = JSON.parse(text) as RegistrationResponse;
  // The registry answers HTTP 200 even for semantic errors; the status field tells.
  if (body.status !== "success") throw new RegistryError(`registration refused: ${body.message}`, res.statusCode);
  return body;
}

/** Fast heartbeat: 200 nothing changed, 202 topology changed, 410 re-register (others: failure). */
export async function headHeartbeat(dispatcher: Dispatcher, registryUrl: string, agentId: string): Promise<number> {
  const res = await dispatcher.request({
    origin: registryUrl,
    path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/heartbeat/${encodeURIComponent(agentId)}`,
    method: "HEAD",
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
    headersTimeout: 2_000,
    bodyTimeout: 2_000,
  });
  await res.body.dump();
}
