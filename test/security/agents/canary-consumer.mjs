// The consumer end of the canary chain, run as a real process: `relay` calls one of the
// provider's tools (the caller's allow-listed headers propagate with it); `ask` hands a question
// to its injected LLM, whose provider's loop calls `vault_read`. Errors are left to reach the
// caller as they are: the test reads what a caller is told.
import { mesh } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "canary-consumer", httpPort: 0 });
agent.tool({
  name: "relay",
  input: { to: z.enum(["read", "fail", "sealed"]), account: z.string().default("acme") },
  dependencies: { read: "vault", fail: "vault_fail", sealed: "vault_sealed" },
  async handler({ to, account }, deps) {
    const dep = deps[to];
    if (!dep) throw new Error(`${to} is not wired yet`);
    return to === "read" ? dep({ account }) : dep();
  },
});
agent.tool({
  name: "ask",
  input: { question: z.string() },
  llm: { provider: { capability: "llm", tags: ["canary"] }, filter: [{ capability: "vault" }], maxIterations: 3 },
  async handler({ question }, { llm }) {
    if (!llm) throw new Error("no llm wired yet");
    return llm(question);
  },
});
agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));
