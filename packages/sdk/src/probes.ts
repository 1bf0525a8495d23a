// What /ready and /health answer (PROTOCOL.md §4.3, the reference TS runtime's bodies).
import { MESH_VERSION, rfc3339 } from "@mcp-mesh/protocol";
import type { AgentConfig } from "./config.js";
import type { HealthCheck, HealthStatus } from "./types.js";

export function readiness(state: string, config: AgentConfig) {
  const runtime =
    state === "running"
      ? config.registryEnabled
        ? "up"
        : "standalone"
      : state === "stopping"
        ? "shutting_down"
        : "starting";
  const ok = state === "running";
  return {
    ok,
    body: {
      ready: ok,
      agent: config.name,
      runtime,
      mcp_wrappers: 1,
      // Ours: the MCP Mesh for TypeScript release this agent runs (the registry reports the same).
      mesh_version: MESH_VERSION,
      timestamp: rfc3339(Date.now()),
      ...(ok ? {} : { reason: runtime }),
    },
  };
}

/** Runs the user's health check; a throw or a non-"healthy" answer is unhealthy (HTTP 503). */
export async function runHealthCheck(check: HealthCheck | undefined, agent: string) {
  const body = {
    status: "healthy" as HealthStatus,
    agent,
    checks: {} as Record<string, unknown>,
    errors: [] as string[],
    timestamp: rfc3339(Date.now()),
  };
  if (check) {
    try {
      const r = await check();
      if (typeof r === "boolean") body.status = r ? "healthy" : "unhealthy";
      else if (typeof r === "string") body.status = r;
      else {
        body.status = r.status;
        body.checks = r.checks ?? {};
        body.errors = r.errors ?? [];
      }
    } catch (err) {
      body.status = "unhealthy";
      body.errors = [(err as Error).message];
    }
  }
  return { ok: body.status === "healthy", body };
}
