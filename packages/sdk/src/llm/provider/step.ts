// One iteration of the provider loop = one model call, through the AI SDK: buffered
// (generateText) or streamed (streamText, text deltas handed on as they arrive until the first
// tool call of the iteration starts). Tools carry no `execute`, so the SDK stops after the call
// and the loop decides what to do with the tool calls.
import {
  generateText,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  NoObjectGeneratedError,
  streamText,
  type ToolSet,
} from "ai";
import type { ToolCallPlan } from "./mesh-tools.js";
import type { CallSettings } from "./request.js";
import type { StructuredPlan } from "./structured.js";

export interface StepInput {
  model: LanguageModel;
  messages: ModelMessage[];
  tools: ToolSet | undefined;
  settings: CallSettings;
  structured: StructuredPlan;
  signal: AbortSignal | undefined;
  maxRetries: number;
  /** Streaming only: each text delta, in order. */
  onText?: (delta: string) => Promise<void>;
}

export interface StepResult {
  text: string;
  toolCalls: ToolCallPlan[];
  inputTokens: number;
  outputTokens: number;
  /** The assistant message(s) to append before the tool results. */
  responseMessages: ModelMessage[];
}

function common(input: StepInput) {
  return {
    model: input.model,
    messages: input.messages,
    ...(input.tools && Object.keys(input.tools).length > 0 && { tools: input.tools, toolChoice: "auto" as const }),
    ...input.settings,
    ...(input.structured.kind === "native" && { output: input.structured.output }),
    ...(input.signal && { abortSignal: input.signal }),
    maxRetries: input.maxRetries,
    allowSystemInMessages: true,
  };
}

export async function bufferedStep(input: StepInput): Promise<StepResult> {
  try {
    const r = await generateText(common(input));
    return {
      text: r.text,
      toolCalls: r.toolCalls.map((c) => ({ toolCallId: c.toolCallId, toolName: c.toolName, input: c.input })),
      ...tokens(r.usage),
      responseMessages: r.response.messages,
    };
  } catch (err) {
    // A native structured answer that does not parse still goes to the consumer, which
    // validates it and reports the parse error with the text it got.
    if (NoObjectGeneratedError.isInstance(err))
      return { text: err.text ?? "", toolCalls: [], ...tokens(err.usage), responseMessages: [] };
    throw err;
  }
}

export async function streamedStep(input: StepInput): Promise<StepResult> {
  let failure: unknown;
  const r = streamText({ ...common(input), onError: ({ error }) => void (failure ??= error) });
  let text = "";
  let live = true;
  const toolCalls: ToolCallPlan[] = [];
  for await (const part of r.fullStream) {
    if (part.type === "text-delta") {
      text += part.text;
      if (live) await input.onText?.(part.text);
    } else if (part.type === "tool-input-start") live = false;
    else if (part.type === "tool-call") {
      live = false;
      toolCalls.push({ toolCallId: part.toolCallId, toolName: part.toolName, input: part.input });
    } else if (part.type === "error") failure ??= part.error;
  }
  if (failure !== undefined) throw failure;
  const [usage, response] = await Promise.all([r.usage, r.response]);
  return { text, toolCalls, ...tokens(usage), responseMessages: response.messages };
}

function tokens(usage: LanguageModelUsage | undefined): { inputTokens: number; outputTokens: number } {
  return { inputTokens: usage?.inputTokens ?? 0, outputTokens: usage?.outputTokens ?? 0 };
}
