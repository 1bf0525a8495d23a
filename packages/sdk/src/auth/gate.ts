// Which credentials a /mcp request needs: a tools/call naming a protected tool needs that tool's
// credentials (they replace the agent's, so one Authorization header always suffices); every
// other message needs the agent's, when it has any. Decided from the parsed body before anything
// is dispatched, so a refused request never reaches a handler; a batch needs all its messages'.
import type { Authenticator, AuthIdentity, AuthOutcome } from "./inbound.js";

export interface AuthGate {
  agent: Authenticator | undefined;
  tools: Map<string, Authenticator>;
}

/** The identity to put in ctx (undefined when nothing is protected), or the refusal. */
export async function checkRequest(
  gate: AuthGate,
  message: unknown,
  authorization: string | undefined,
): Promise<AuthOutcome | { ok: true; identity: undefined }> {
  const messages = Array.isArray(message) ? message : [message];
  const needed = new Set<Authenticator>();
  for (const m of messages) {
    const name = toolCalled(m);
    const auth = (name === undefined ? undefined : gate.tools.get(name)) ?? gate.agent;
    if (auth) needed.add(auth);
  }
  let identity: AuthIdentity | undefined;
  for (const auth of needed) {
    const outcome = await auth(authorization);
    if (!outcome.ok) return outcome;
    identity = outcome.identity;
  }
  return { ok: true, identity };
}

function toolCalled(m: unknown): string | undefined {
  if (typeof m !== "object" || m === null) return undefined;
  const r = m as { method?: unknown; params?: { name?: unknown } };
  return r.method === "tools/call" && typeof r.params?.name === "string" ? r.params.name : undefined;
}
