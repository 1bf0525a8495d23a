// OpenAI chat messages and function tools (the wire, LLM-WIRE §1.2) to the AI SDK's ModelMessage
// and tool set, and the AI SDK's tool calls back to the wire's OpenAI shape (legacy path).
import { jsonSchema, type ModelMessage, type ToolSet, tool } from "ai";

type Json = Record<string, unknown>;

/** A wire tool: name, description, parameters, and the owner's endpoint when the provider runs it. */
export interface WireTool {
  name: string;
  description: string;
  parameters: Json;
  endpoint: string | undefined;
}

export function readTools(tools: unknown[] | null | undefined): WireTool[] {
  const out: WireTool[] = [];
  for (const t of tools ?? []) {
    const fn = (t as Json)?.function as Json | undefined;
    if (!fn || typeof fn.name !== "string") continue;
    const params = isObject(fn.parameters) ? { ...fn.parameters } : {};
    // Vendors refuse $schema and need an object schema (the reference TS provider does the same).
    delete params.$schema;
    out.push({
      name: fn.name,
      description: typeof fn.description === "string" ? fn.description : "",
      parameters: { properties: {}, ...params, type: "object" },
      endpoint: typeof fn._mesh_endpoint === "string" && fn._mesh_endpoint !== "" ? fn._mesh_endpoint : undefined,
    });
  }
  return out;
}

/** The AI SDK tool set, without `execute`: the provider runs the calls itself, or returns them. */
export function toToolSet(tools: WireTool[]): ToolSet {
  const set: ToolSet = {};
  for (const t of tools)
    set[t.name] = tool({ description: t.description, inputSchema: jsonSchema(t.parameters as never) });
  return set;
}

export function toModelMessages(messages: Json[]): ModelMessage[] {
  const namesById = new Map<string, string>();
  const out: ModelMessage[] = [];
  for (const m of messages) {
    switch (m.role) {
      case "system":
        out.push({ role: "system", content: textOf(m.content) });
        break;
      case "user":
        out.push({ role: "user", content: typeof m.content === "string" ? m.content : userParts(m.content) });
        break;
      case "assistant": {
        const parts: Exclude<Extract<ModelMessage, { role: "assistant" }>["content"], string> = [];
        const text = textOf(m.content);
        if (text) parts.push({ type: "text", text });
        for (const call of Array.isArray(m.tool_calls) ? (m.tool_calls as Json[]) : []) {
          const fn = (call.function ?? {}) as Json;
          const id = typeof call.id === "string" ? call.id : `call_${namesById.size}`;
          const name = typeof fn.name === "string" ? fn.name : "unknown";
          namesById.set(id, name);
          parts.push({ type: "tool-call", toolCallId: id, toolName: name, input: parseArgs(fn.arguments) });
        }
        out.push({ role: "assistant", content: parts });
        break;
      }
      case "tool": {
        const id = typeof m.tool_call_id === "string" ? m.tool_call_id : "";
        const name = typeof m.name === "string" ? m.name : (namesById.get(id) ?? "unknown");
        const value = typeof m.content === "string" ? m.content : textOf(m.content) || JSON.stringify(m.content ?? "");
        out.push({
          role: "tool",
          content: [{ type: "tool-result", toolCallId: id, toolName: name, output: { type: "text", value } }],
        });
        break;
      }
      default:
        // An unknown role still reaches the model as the user's words rather than being lost.
        out.push({ role: "user", content: textOf(m.content) });
    }
  }
  return out;
}

function userParts(content: unknown): Exclude<Extract<ModelMessage, { role: "user" }>["content"], string> {
  const parts: Exclude<Extract<ModelMessage, { role: "user" }>["content"], string> = [];
  for (const p of Array.isArray(content) ? (content as Json[]) : []) {
    if (p.type === "text" && typeof p.text === "string") parts.push({ type: "text", text: p.text });
    else if (p.type === "image_url") {
      const url = (p.image_url as Json | undefined)?.url;
      if (typeof url === "string") parts.push({ type: "image", image: url });
    } else if (p.type === "document" && isObject(p.source) && typeof p.source.data === "string") {
      const mediaType = typeof p.source.media_type === "string" ? p.source.media_type : "application/pdf";
      parts.push({ type: "file", data: p.source.data, mediaType });
    } else parts.push({ type: "text", text: JSON.stringify(p) });
  }
  return parts;
}

/** Text of a string or of OpenAI content parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((p) => (isObject(p) && typeof p.text === "string" ? p.text : ""))
    .filter(Boolean)
    .join("\n");
}

export function parseArgs(args: unknown): unknown {
  if (typeof args !== "string") return args ?? {};
  try {
    return args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    return {};
  }
}

/** An AI SDK tool call in the wire's OpenAI shape (`arguments` is JSON text). */
export function toWireToolCall(call: { toolCallId: string; toolName: string; input: unknown }): Json {
  return {
    id: call.toolCallId,
    type: "function",
    function: { name: call.toolName, arguments: JSON.stringify(call.input ?? {}) },
  };
}

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
