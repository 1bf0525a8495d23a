// What @mcp-mesh/sdk/testing reaches inside a running agent. Kept off the public class (the
// testing hooks are functions taking the agent) and off the package's exports.
import type { McpEndpoint } from "./mcp-endpoint.js";
import type { Wiring } from "./wiring.js";

export interface AgentInternals {
  readonly endpoint: McpEndpoint;
  /** The agent's wiring while it runs. */
  wiring(): Wiring | undefined;
}

const byAgent = new WeakMap<object, AgentInternals>();

export function exposeInternals(agent: object, internals: AgentInternals): void {
  byAgent.set(agent, internals);
}

export function internalsOf(agent: object): AgentInternals {
  const found = byAgent.get(agent);
  if (!found) throw new Error("not a MeshAgent");
  return found;
}
