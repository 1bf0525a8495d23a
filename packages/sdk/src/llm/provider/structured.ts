// Structured output (LLM-WIRE §2.5): `output_schema` on the wire becomes the AI SDK's structured
// output (the vendor's native JSON-schema mode) where the vendor takes it together with tools,
// and a hint in the system prompt otherwise (Gemini with tools) or when the consumer asks for
// `output_mode: "hint"`. The answer is the JSON text in `content`; the consumer validates it.
import { jsonSchema, type ModelMessage, Output } from "ai";
import type { ProviderParams } from "./request.js";

export type StructuredPlan =
  | { kind: "none" }
  | { kind: "native"; output: ReturnType<typeof Output.object> }
  | { kind: "hint"; hint: string };

const NO_SCHEMA_WITH_TOOLS = new Set(["gemini", "google", "vertex_ai"]);

export function planStructured(params: ProviderParams, vendor: string, hasTools: boolean): StructuredPlan {
  const schema = params.outputSchema;
  if (!schema || params.outputMode === "text") return { kind: "none" };
  const hint = `Respond with ONLY a JSON object that matches this JSON schema${params.outputTypeName ? ` (${params.outputTypeName})` : ""}, with no prose and no code fences:\n${JSON.stringify(schema)}`;
  if (params.outputMode === "hint" || (hasTools && NO_SCHEMA_WITH_TOOLS.has(vendor))) return { kind: "hint", hint };
  return {
    kind: "native",
    output: Output.object({
      schema: jsonSchema(schema as never),
      ...(params.outputTypeName && { name: params.outputTypeName }),
    }),
  };
}

/** The messages with the hint added to the leading system message (or one inserted). */
export function withHint(messages: ModelMessage[], hint: string): ModelMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === "system") return [{ role: "system", content: `${first.content}\n\n${hint}` }, ...rest];
  return [{ role: "system", content: hint }, ...messages];
}
