// The consumer side of the legacy path (LLM-WIRE.md §2.1, §2.3): a provider that answers
// `tool_calls` instead of running them gets them run here, over the mesh, one after another;
// each result goes back as a `tool` message, and a failing tool becomes `{"error": ...}` for the
// model to see (never a failed request).
import { type LlmToolInfo, matchesHeaderRule } from "@mcp-mesh/protocol";
import { callContext } from "../../call-context.js";
import { decodeResponse } from "../../decode-result.js";
import { postToolsCall } from "../../transport-client.js";
import type { LlmEnv } from "./mesh-llm.js";
import type { LlmMessage, LlmToolCall } from "./types.js";

export async function runToolCalls(
  calls: readonly LlmToolCall[],
  tools: readonly LlmToolInfo[],
  env: LlmEnv,
  signal: AbortSignal | undefined,
): Promise<LlmMessage[]> {
  const out: LlmMessage[] = [];
  for (const call of calls) {
    out.push({ role: "tool", tool_call_id: call.id, content: await runOne(call, tools, env, signal) });
  }
  return out;
}

async function runOne(
  call: LlmToolCall,
  tools: readonly LlmToolInfo[],
  env: LlmEnv,
  signal: AbortSignal | undefined,
): Promise<string> {
  const tool = tools.find((t) => t.name === call.function.name);
  if (!tool) return JSON.stringify({ error: `Tool ${call.function.name} not available` });
  let args: unknown;
  try {
    args = call.function.arguments.trim() ? JSON.parse(call.function.arguments) : {};
  } catch {
    return JSON.stringify({
      error: `arguments of ${call.function.name} are not JSON: ${call.function.arguments.slice(0, 200)}`,
    });
  }
  if (!args || typeof args !== "object" || Array.isArray(args))
    return JSON.stringify({ error: `arguments of ${call.function.name} must be a JSON object` });
  const ctx = callContext.getStore();
  const propagated: Record<string, string> = {};
  if (ctx)
    for (const [k, v] of Object.entries(ctx.headers)) if (matchesHeaderRule(k, env.propagateHeaders)) propagated[k] = v;
  try {
    const response = await postToolsCall(env.dispatcher, {
      endpoint: tool.endpoint,
      functionName: tool.name,
      args: args as Record<string, unknown>,
      timeoutMs: env.defaultTimeoutMs,
      headers: {},
      traceId: ctx?.traceId,
      propagated,
      signal,
    });
    const value = decodeResponse(response, `${tool.name} at ${tool.endpoint}`);
    // As the Python consumer feeds results back: objects as JSON, anything else wrapped.
    return JSON.stringify(
      value !== null && typeof value === "object" && !Array.isArray(value) ? value : { result: value },
    );
  } catch (err) {
    return JSON.stringify({ error: (err as Error).message });
  }
}
