// The provider-managed loop's tool calls (LLM-WIRE §2.1): each call goes to the tool owner's
// `_mesh_endpoint` over MCP through the one client, with the provider call's trace id and, when
// the endpoint is a registered agent's, its propagated headers (registered.ts); the answer becomes the tool message's text. A failure is not the loop's
// failure: the model reads `{"error": ...}` and may recover.
import type { Dispatcher } from "undici";
import { decodeResponse } from "../../decode-result.js";
import { postToolsCall } from "../../transport-client.js";
import type { ToolContext } from "../../types.js";
import type { WireTool } from "./messages.js";

export interface ToolCallPlan {
  toolCallId: string;
  toolName: string;
  input: unknown;
}

export interface ToolCallOutcome {
  toolCallId: string;
  toolName: string;
  /** What the model reads: the result's text, or `{"error": "..."}`. */
  content: string;
  ok: boolean;
}

export interface MeshToolRunner {
  dispatcher: Dispatcher;
  ctx: ToolContext;
  /** Deadline of one tool call, ms. */
  timeoutMs: number;
  /** Propagated headers go only where this says yes (registered.ts). */
  registered(endpoint: string): Promise<boolean>;
}

export async function runToolCalls(
  calls: ToolCallPlan[],
  tools: WireTool[],
  runner: MeshToolRunner,
  parallel: boolean,
): Promise<ToolCallOutcome[]> {
  if (parallel) return Promise.all(calls.map((c) => runOne(c, tools, runner)));
  const out: ToolCallOutcome[] = [];
  for (const c of calls) out.push(await runOne(c, tools, runner));
  return out;
}

async function runOne(call: ToolCallPlan, tools: WireTool[], runner: MeshToolRunner): Promise<ToolCallOutcome> {
  const base = { toolCallId: call.toolCallId, toolName: call.toolName };
  const endpoint = tools.find((t) => t.name === call.toolName)?.endpoint;
  if (!endpoint)
    return { ...base, content: JSON.stringify({ error: `Tool ${call.toolName} not available` }), ok: false };
  try {
    const args = typeof call.input === "object" && call.input !== null ? (call.input as Record<string, unknown>) : {};
    const response = await postToolsCall(runner.dispatcher, {
      endpoint,
      functionName: call.toolName,
      args,
      timeoutMs: runner.timeoutMs,
      headers: {},
      traceId: runner.ctx.traceId,
      propagated: (await runner.registered(endpoint)) ? runner.ctx.headers : {},
      ...(runner.ctx.signal && { signal: runner.ctx.signal }),
    });
    return { ...base, content: toolText(decodeResponse(response, `${call.toolName} at ${endpoint}`)), ok: true };
  } catch (err) {
    return { ...base, content: JSON.stringify({ error: (err as Error).message }), ok: false };
  }
}

/** dict/list → JSON, null → "", anything else as text (as the reference providers feed results). */
function toolText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}
