// Building the MeshLlmRequest a provider tool takes (LLM-WIRE.md §1.2, §2.2, §2.6), shaped like
// the reference Python consumer's so providers of either runtime see the same request.
import type { LlmToolInfo } from "@mcp-mesh/protocol";
import type { LlmSlotSpec } from "./declaration.js";
import type { LlmMessage } from "./types.js";

export interface MeshLlmRequest {
  messages: LlmMessage[];
  tools: OpenAiTool[] | null;
  model_params: Record<string, unknown> | null;
  context: null;
  request_id: null;
  caller_agent: null;
}

export interface OpenAiTool {
  type: "function";
  function: { name: string; description: string; parameters?: Record<string, unknown>; _mesh_endpoint: string };
}

const TOOLS_NUDGE = "\n\nYou have access to tools. Use them when needed to gather information.";
const PARALLEL_NUDGE =
  "\n\nYou have access to tools. You CAN and SHOULD call multiple tools simultaneously when the calls are independent.";

/** The conversation: the rendered system prompt first (replacing a leading one), then the prompt. */
export function buildMessages(
  system: string,
  prompt: string | readonly LlmMessage[],
  hasTools: boolean,
  parallel: boolean,
): LlmMessage[] {
  const content = system + (hasTools ? (parallel ? PARALLEL_NUDGE : TOOLS_NUDGE) : "");
  if (typeof prompt === "string") {
    return content
      ? [
          { role: "system", content },
          { role: "user", content: prompt },
        ]
      : [{ role: "user", content: prompt }];
  }
  const messages = prompt.map((m) => ({ ...m }));
  if (!content) return messages;
  if (messages[0]?.role === "system") messages[0] = { role: "system", content };
  else messages.unshift({ role: "system", content });
  return messages;
}

/** OpenAI function tools with `_mesh_endpoint`: the provider calls them itself (§2.1). */
export function toolDefinitions(tools: readonly LlmToolInfo[]): OpenAiTool[] {
  return tools.map((t) => ({
    type: "function",
    function: {
      name: t.name,
      description: t.description ?? "",
      ...(t.inputSchema && Object.keys(t.inputSchema).length > 0
        ? { parameters: t.inputSchema }
        : { parameters: { type: "object", properties: {} } }),
      _mesh_endpoint: t.endpoint,
    },
  }));
}

/** `model_params`: defaults, then the call's, then the mesh keys; max_iterations only when chosen. */
export function modelParams(
  spec: LlmSlotSpec,
  call: Record<string, unknown> | undefined,
  maxIterations: number | undefined,
): Record<string, unknown> | null {
  const params: Record<string, unknown> = { ...spec.modelParams, ...(call ?? {}) };
  if (spec.outputJsonSchema) {
    params.output_schema = spec.outputJsonSchema;
    params.output_type_name = spec.outputTypeName;
  }
  if (spec.parallelToolCalls) params.parallel_tool_calls = true;
  if (maxIterations !== undefined) params.max_iterations = maxIterations;
  return Object.keys(params).length > 0 ? params : null;
}

export function buildRequest(
  messages: LlmMessage[],
  tools: readonly LlmToolInfo[],
  params: Record<string, unknown> | null,
): MeshLlmRequest {
  return {
    messages,
    tools: tools.length > 0 ? toolDefinitions(tools) : null,
    model_params: params,
    context: null,
    request_id: null,
    caller_agent: null,
  };
}
