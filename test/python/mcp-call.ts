// Calling a tool on an agent's /mcp the way meshctl and mesh agents do (PROTOCOL.md §4.1):
// tools/call without initialize, accepting JSON or SSE (FastMCP agents answer with SSE).
export interface ToolResult {
  content?: { type: string; text?: string }[];
  structuredContent?: unknown;
  isError?: boolean;
  _meta?: unknown;
}

let nextId = 1;

/** The JSON-RPC `result` of tools/call; throws on HTTP or JSON-RPC errors. */
export async function callMcpTool(url: string, name: string, args: Record<string, unknown> = {}): Promise<ToolResult> {
  const res = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name, arguments: args } }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${name} at ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`);
  const messages = (res.headers.get("content-type") ?? "").includes("text/event-stream")
    ? text
        .split(/\r?\n/)
        .filter((line) => line.startsWith("data:"))
        .map((line) => JSON.parse(line.slice(5)))
    : [JSON.parse(text)];
  const answer = messages.find((m) => m && (m.result !== undefined || m.error !== undefined));
  if (!answer) throw new Error(`${name} at ${url}: no JSON-RPC answer in: ${text.slice(0, 500)}`);
  if (answer.error) throw new Error(`${name} at ${url}: JSON-RPC error ${JSON.stringify(answer.error)}`);
  return answer.result as ToolResult;
}

/** A tool result's text content, JSON-parsed (the Python test agents return JSON objects). */
export function jsonOf(result: ToolResult): any {
  const text = (result.content ?? []).map((c) => c.text ?? "").join("");
  return JSON.parse(text);
}
