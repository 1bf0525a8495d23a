// Test-only hooks on a running agent, as functions taking the agent: swap a dependency for a
// fake, wait until one is wired (or unwired), see where one is wired to, count calls in flight.
// They live here, not on MeshAgent, so the public class carries no test machinery.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { MeshAgent } from "../agent.js";
import { internalsOf } from "../agent-internals.js";
import { fakeTool } from "../fake-tool.js";
import type { McpMeshTool, ToolArgs } from "../types.js";
import type { Wiring } from "../wiring.js";

/** Every dependency of `agent` on `capabilityOrKey` uses `fake` instead of a provider (undefined restores). */
export function fake(
  agent: MeshAgent,
  capabilityOrKey: string,
  fake: ((args: ToolArgs, toolName?: string) => unknown) | McpMeshTool | undefined,
): void {
  const wiring = wiringOf(agent);
  const tool = fake === undefined ? undefined : "callTool" in fake ? fake : fakeTool(capabilityOrKey, fake);
  if (wiring.setFake(capabilityOrKey, tool) === 0) throw noDependency(agent, capabilityOrKey);
}

/** Resolves once a dependency of `agent` on `capabilityOrKey` is wired (optionally to `agentId`), or unwired. */
export function waitForDependency(
  agent: MeshAgent,
  capabilityOrKey: string,
  opts: { agentId?: string; timeoutMs?: number; unwired?: boolean } = {},
): Promise<void> {
  const wiring = wiringOf(agent);
  const ok = () => {
    const p = wiring.providersOf(capabilityOrKey);
    if (p === undefined) throw noDependency(agent, capabilityOrKey);
    if (opts.unwired) return p.length === 0;
    return p.length > 0 && (opts.agentId === undefined || p[0]?.agentId === opts.agentId);
  };
  if (ok()) return Promise.resolve();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      const what = opts.unwired ? "unwired" : "wired";
      reject(
        new MeshError(
          ErrorCodes.TIMEOUT,
          `dependency "${capabilityOrKey}" of "${agent.options.name}" not ${what} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const off = wiring.onChange(() => {
      if (!ok()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Endpoints a dependency of `agent` is wired to right now, best first. */
export function providers(agent: MeshAgent, capabilityOrKey: string): string[] {
  return (wiringOf(agent).providersOf(capabilityOrKey) ?? []).map((p) => p.endpoint);
}

/** Inbound calls the agent holds right now: 0 once every request has been answered or abandoned. */
export function inFlightCalls(agent: MeshAgent): number {
  return internalsOf(agent).endpoint.inFlight;
}

function wiringOf(agent: MeshAgent): Wiring {
  const wiring = internalsOf(agent).wiring();
  if (!wiring) throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${agent.options.name}" is not started`);
  return wiring;
}

function noDependency(agent: MeshAgent, capabilityOrKey: string): MeshError {
  return new MeshError(ErrorCodes.NOT_FOUND, `no dependency "${capabilityOrKey}" on agent "${agent.options.name}"`);
}
