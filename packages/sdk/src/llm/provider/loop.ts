// The provider loop (LLM-WIRE §1.3, §2.1, §2.4): MeshLlmRequest in, the JSON envelope out.
// Tools that carry `_mesh_endpoint` are run by the provider itself, iteration after iteration,
// until the model answers without tool calls or the cap is reached; tools without endpoints are
// the legacy path: the model's tool calls go back to the caller in the envelope.
import type { LanguageModel, ModelMessage } from "ai";
import { startLlmIteration } from "../../tracing/llm-iteration.js";
import { type MeshToolRunner, runToolCalls } from "./mesh-tools.js";
import { readTools, toModelMessages, toToolSet, toWireToolCall } from "./messages.js";
import type { MeshLlmRequest, ProviderParams } from "./request.js";
import { bufferedStep, type StepInput, type StepResult, streamedStep } from "./step.js";
import { planStructured, withHint } from "./structured.js";

export interface MeshUsage {
  prompt_tokens: number;
  completion_tokens: number;
  model: string;
}

export interface Envelope {
  role: "assistant";
  /** Always a string: the answer, or the JSON text of a structured answer. */
  content: string;
  tool_calls?: Array<Record<string, unknown>>;
  _mesh_usage: MeshUsage;
  _mesh_stop_reason?: "max_iterations";
}

export interface LoopInput {
  model: LanguageModel;
  /** The effective model string reported in `_mesh_usage.model`, e.g. "openai/gpt-4o". */
  modelName: string;
  vendor: string;
  request: MeshLlmRequest;
  params: ProviderParams;
  runner: MeshToolRunner;
  maxRetries: number;
  /** Streaming: text deltas as the model produces them (the `_stream` twin sends them as frames). */
  onText?: (delta: string) => Promise<void>;
  /** Called after each iteration (tests, metrics). */
  onIteration?: (n: number, step: StepResult) => void;
}

export async function runProviderLoop(input: LoopInput): Promise<Envelope> {
  const { params } = input;
  const tools = readTools(input.request.tools);
  const managed = tools.some((t) => t.endpoint !== undefined);
  const structured = planStructured(params, input.vendor, tools.length > 0);
  let messages: ModelMessage[] = toModelMessages(input.request.messages);
  if (structured.kind === "hint") messages = withHint(messages, structured.hint);
  const usage: MeshUsage = { prompt_tokens: 0, completion_tokens: 0, model: input.modelName };
  // A structured answer goes out whole (one chunk), so a consumer never parses half a JSON text.
  const liveText = structured.kind === "none" ? input.onText : undefined;
  const step: StepInput = {
    model: input.model,
    messages,
    tools: tools.length > 0 ? toToolSet(tools) : undefined,
    settings: params.settings,
    structured,
    signal: input.runner.ctx.signal,
    maxRetries: input.maxRetries,
    ...(liveText && { onText: liveText }),
  };
  let lastText = "";
  for (let iteration = 1; iteration <= params.maxIterations; iteration++) {
    // The vendor call and the tool calls it asks for are one iteration span.
    const span = startLlmIteration(iteration, input.vendor, input.modelName, "");
    let outcomes: Awaited<ReturnType<typeof runToolCalls>>;
    let result: StepResult;
    try {
      result = await span.run(() => (input.onText ? streamedStep(step) : bufferedStep(step)));
      span.usage({ model: input.modelName, ...result, toolCalls: result.toolCalls.length });
      usage.prompt_tokens += result.inputTokens;
      usage.completion_tokens += result.outputTokens;
      input.onIteration?.(iteration, result);
      if (result.toolCalls.length === 0) {
        if (!liveText && result.text && input.onText) await input.onText(result.text);
        span.end();
        return { role: "assistant", content: result.text, _mesh_usage: usage };
      }
      if (!managed) {
        span.end();
        return {
          role: "assistant",
          content: result.text,
          tool_calls: result.toolCalls.map(toWireToolCall),
          _mesh_usage: usage,
        };
      }
      const calls = result.toolCalls;
      outcomes = await span.run(() => runToolCalls(calls, tools, input.runner, params.parallelToolCalls));
    } catch (err) {
      span.end(err);
      throw err;
    }
    span.end();
    if (result.text) lastText = result.text;
    step.messages = [
      ...step.messages,
      ...result.responseMessages,
      {
        role: "tool",
        content: outcomes.map((o) => ({
          type: "tool-result" as const,
          toolCallId: o.toolCallId,
          toolName: o.toolName,
          output: { type: "text" as const, value: o.content },
        })),
      },
    ];
  }
  return { role: "assistant", content: lastText, _mesh_usage: usage, _mesh_stop_reason: "max_iterations" };
}
