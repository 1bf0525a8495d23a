// The entry point a user writes: `mesh.agent({...})`.
import { MeshAgent } from "./agent.js";
import type { AgentOptions } from "./types.js";

export const mesh = {
  /** Declares an agent; it starts by itself once the module has loaded unless `autoRun: false`. */
  agent(options: AgentOptions): MeshAgent {
    return new MeshAgent(options);
  },
};
