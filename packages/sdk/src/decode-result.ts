// Turning a tools/call answer into the value a proxy call returns (PROTOCOL.md §4.2):
// structuredContent when present, text as a string (JSON text parsed), mixed content as
// {type:"multi_content"}; a JSON-RPC error or an isError result throws a MeshError.
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";

type Json = Record<string, unknown>;

export function decodeResponse(response: unknown, what: string): unknown {
  if (typeof response !== "object" || response === null)
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${what}: answer is not a JSON-RPC object`);
  const r = response as Json;
  if (r.error !== undefined) {
    const e = (r.error ?? {}) as Json;
    const message = typeof e.message === "string" ? e.message : "unknown error";
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${what}: ${message}`, { rpcCode: e.code, data: e.data });
  }
  return decodeResult(r.result, what);
}

export function decodeResult(result: unknown, what: string): unknown {
  if (typeof result !== "object" || result === null)
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${what}: answer has no result`);
  const r = result as Json;
  const content = Array.isArray(r.content) ? (r.content as Json[]) : [];
  if (r.isError === true) {
    throw new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `${what}: ${textOf(content) || "tool failed"}`, {
      content,
    });
  }
  if (r.structuredContent !== undefined && r.structuredContent !== null) {
    const s = r.structuredContent as Json;
    const meta = (r._meta ?? {}) as Json;
    const fastmcp = (meta.fastmcp ?? {}) as Json;
    return fastmcp.wrap_result === true && "result" in s ? s.result : s;
  }
  if (content.length === 0) return null;
  if (content.every((c) => c.type === "text")) {
    const text = textOf(content);
    const t = text.trimStart();
    if (t.startsWith("{") || t.startsWith("[")) {
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    }
    return text;
  }
  return { type: "multi_content", content };
}

function textOf(content: Json[]): string {
  return content
    .filter((c) => c.type === "text" && typeof c.text === "string")
    .map((c) => c.text as string)
    .join("");
}
