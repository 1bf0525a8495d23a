// Test hooks for a tool's injected LLM: where it is wired (provider endpoints, tool names), and
// waiting until it is wired to something (or to nothing).
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { MeshAgent } from "../agent.js";
import { internalsOf } from "../agent-internals.js";
import type { LlmSlot } from "../wiring.js";

export interface LlmWiring {
  /** Provider endpoints, the one calls go to first leading. */
  providers: string[];
  /** Names of the mesh tools the model may call. */
  tools: string[];
}

/** Where the LLM of `agent`'s tool `tool` is wired right now. */
export function llmWiring(agent: MeshAgent, tool: string): LlmWiring {
  const t = slotOf(agent, tool).target;
  return { providers: t.providers.map((p) => p.endpoint), tools: t.tools.map((x) => x.name) };
}

/** Resolves once `until` holds for the tool's LLM wiring (default: a provider is wired). */
export function waitForLlm(
  agent: MeshAgent,
  tool: string,
  until: (w: LlmWiring) => boolean = (w) => w.providers.length > 0,
  timeoutMs = 10_000,
): Promise<LlmWiring> {
  const wiring = internalsOf(agent).wiring();
  if (!wiring) throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${agent.options.name}" is not started`);
  const now = llmWiring(agent, tool);
  if (until(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new MeshError(
          ErrorCodes.TIMEOUT,
          `the llm of "${agent.options.name}".${tool} did not reach the awaited wiring within ${timeoutMs} ms (now ${JSON.stringify(llmWiring(agent, tool))})`,
        ),
      );
    }, timeoutMs);
    const off = wiring.onChange(() => {
      const w = llmWiring(agent, tool);
      if (!until(w)) return;
      clearTimeout(timer);
      off();
      resolve(w);
    });
  });
}

function slotOf(agent: MeshAgent, tool: string): LlmSlot {
  const wiring = internalsOf(agent).wiring();
  if (!wiring) throw new MeshError(ErrorCodes.AGENT_STATE, `agent "${agent.options.name}" is not started`);
  const slot = wiring.llmSlot(tool);
  if (!slot) throw new MeshError(ErrorCodes.NOT_FOUND, `tool "${tool}" of "${agent.options.name}" declares no llm`);
  return slot;
}
