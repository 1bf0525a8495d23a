// meshctl call <tool | agent:tool> [json]: finds the tool in the registry and calls it through
// the registry's /proxy (so agents in containers need no exposed port), or directly.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { findTool } from "../agent-match.js";
import { intOption, parseCommand, REGISTRY_HELP, REGISTRY_OPTIONS } from "../args.js";
import type { Command, Context } from "../context.js";
import { ErrorCodes, MeshError, usageError } from "../errors.js";
import {
  callTool,
  type JsonRpcResponse,
  newTraceId,
  notificationLine,
  type ToolNotification,
  type ToolResult,
} from "../mcp-call.js";
import type { Colors } from "../output.js";
import { createRegistryClient, type RegistryClient } from "../registry-client.js";
import { normalizeUrl, resolveRegistryUrls } from "../registry-url.js";

const OPTIONS = {
  ...REGISTRY_OPTIONS,
  direct: { type: "boolean" },
  "use-proxy": { type: "string" },
  "agent-url": { type: "string" },
  file: { type: "string", short: "f" },
  header: { type: "string", short: "H", multiple: true },
  timeout: { type: "string" },
  raw: { type: "boolean" },
  stream: { type: "boolean" },
  "no-stream": { type: "boolean" },
  trace: { type: "boolean" },
  tree: { type: "boolean" },
} as const;

/** The arguments object from the command line; anything but a JSON object is refused. */
export function parseArguments(text: string | undefined, source: string): Record<string, unknown> {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MeshError(
      ErrorCodes.INVALID_JSON,
      `${source} is not valid JSON (${(e as Error).message}): pass an object, e.g. '{"name": "Ada"}'`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw new MeshError(ErrorCodes.INVALID_JSON, `${source} must be a JSON object, got ${got}: e.g. '{"name": "Ada"}'`);
  }
  return value as Record<string, unknown>;
}

export function parseHeaders(lines: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines ?? []) {
    const i = line.indexOf(":");
    if (i <= 0) throw usageError(`--header '${line}' must look like 'Name: value'`);
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Tool output for people: text as text, JSON text and structured results as indented JSON. */
export function formatResult(result: ToolResult, c: Colors): string {
  if (result.structuredContent !== undefined) {
    const value = structuredValue(result);
    return typeof value === "string" ? value : prettyJson(value, c);
  }
  const parts = (result.content ?? []).map((item) => {
    if (item.type === "text") {
      const text = item.text ?? "";
      const trimmed = text.trim();
      if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
          return prettyJson(JSON.parse(trimmed), c);
        } catch {
          return text;
        }
      }
      return text;
    }
    if (item.type === "image" || item.type === "audio") {
      return c.dim(`[${item.type} ${item.mimeType ?? ""}, ${Math.floor(((item.data ?? "").length * 3) / 4)} bytes]`);
    }
    return prettyJson(item, c);
  });
  return parts.join("\n");
}

// FastMCP (the Python runtime) wraps a non-object return as {"result": X} and marks it in
// _meta; X is what the tool returned and what a mesh consumer receives (PROTOCOL.md §4.2).
function structuredValue(result: ToolResult): unknown {
  const s = result.structuredContent;
  const meta = result._meta as { fastmcp?: { wrap_result?: unknown } } | undefined;
  const wrapped = meta?.fastmcp?.wrap_result === true && typeof s === "object" && s !== null && "result" in s;
  return wrapped ? (s as { result: unknown }).result : s;
}

function prettyJson(value: unknown, c: Colors): string {
  const text = JSON.stringify(value, null, 2) ?? "null";
  // Keys in cyan, strings in green: readable at a glance, and nothing at all without colour.
  return text.replace(/("(?:[^"\\]|\\.)*")(\s*:)?/g, (_m, str: string, colon: string | undefined) =>
    colon ? c.cyan(str) + colon : c.green(str),
  );
}

/** The tool's failure (JSON-RPC error or isError result) as one line. */
export function toolFailure(tool: string, response: JsonRpcResponse): MeshError | undefined {
  if (response.error) {
    const { code, message } = response.error;
    const hint = code === -32602 && /not found|unknown tool/i.test(message) ? " (see 'meshctl list --tools')" : "";
    return new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `tool '${tool}' failed: ${message} (JSON-RPC ${code})${hint}`);
  }
  if (response.result?.isError) {
    const text = (response.result.content ?? [])
      .map((c) => c.text ?? "")
      .join(" ")
      .trim();
    return new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, `tool '${tool}' returned an error: ${text || "(no message)"}`);
  }
  return undefined;
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("call", argv, OPTIONS);
  const [spec, json, ...extra] = positionals;
  if (!spec) throw usageError("meshctl call needs a tool: meshctl call <tool | agent:tool> ['{json}']");
  if (extra.length > 0) throw usageError(`unexpected argument '${extra[0]}': quote the JSON arguments as one word`);
  if (json !== undefined && values.file !== undefined)
    throw usageError("give the arguments inline or with --file, not both");
  const timeoutMs = intOption(values.timeout, "timeout", 30, 1) * 1000;
  const argsText = values.file !== undefined ? await readArgsFile(resolve(ctx.cwd, values.file)) : json;
  const args = parseArguments(argsText, values.file !== undefined ? values.file : "the arguments");
  const direct = values.direct === true || values["use-proxy"] === "false";

  if (values.stream && values["no-stream"]) throw usageError("give --stream or --no-stream, not both");
  const registries = resolveRegistryUrls(values, ctx.env);
  let url: string;
  let tool: string;
  let streams = values.stream === true;
  if (values["agent-url"] !== undefined) {
    const base = normalizeUrl(values["agent-url"], "--agent-url");
    url = base.endsWith("/mcp") ? base : `${base}/mcp`;
    tool = spec.includes(":") ? spec.slice(spec.lastIndexOf(":") + 1) : spec;
  } else {
    const client = createRegistryClient(registries);
    const target = findTool(await client.agents(), spec);
    tool = target.tool.function_name;
    // Our registry lists a streaming tool with stream_type "text"; the reference's does not (--stream).
    streams ||= target.tool.stream_type === "text";
    const endpoint = target.agent.endpoint;
    if (!/^https?:\/\//.test(endpoint)) {
      throw new MeshError(ErrorCodes.UNREACHABLE, `agent ${target.agent.id} has no HTTP endpoint (${endpoint})`);
    }
    url = direct ? `${endpoint}/mcp` : `${client.url}/proxy/${endpoint.replace(/^https?:\/\//, "")}/mcp`;
  }
  const traceId = values.trace || values.tree ? newTraceId() : undefined;
  if (traceId) ctx.out.err(ctx.out.c.dim(`Trace ID: ${traceId}`));
  // A stream's chunks go to stdout as they arrive, unless stdout must be only the result.
  const printChunks = streams && !values.raw && !values["no-stream"];
  // With --no-stream or --raw the chunks are not progress to report: the result holds them all.
  const dropChunks = streams && !printChunks;
  let printed = "";
  const response = await callTool({
    url,
    tool,
    args,
    timeoutMs,
    headers: { ...(direct ? {} : proxyAuth(ctx.env)), ...parseHeaders(values.header) },
    traceId,
    // Progress and log lines go to stderr as they arrive; stdout stays the result.
    onNotification: (n) => {
      const chunk = streams ? streamChunk(n) : undefined;
      if (chunk !== undefined && dropChunks) return;
      if (chunk !== undefined) {
        ctx.out.write(chunk);
        printed = chunk === "" ? printed : chunk;
        return;
      }
      const line = notificationLine(n, ctx.out.c);
      if (line !== undefined) ctx.out.err(line);
    },
  });
  const streamed = printed !== "";
  // The chunks were the answer: end the line they left open, do not print them a second time.
  if (streamed && !printed.endsWith("\n")) ctx.out.write("\n");
  if (values.raw) ctx.out.out(JSON.stringify(response.result ?? { error: response.error }));
  const failure = toolFailure(tool, response);
  if (failure) throw failure;
  if (!values.raw && !streamed) ctx.out.out(formatResult(response.result ?? {}, ctx.out.c));
  if (values.tree && traceId) await printTree(createRegistryClient(registries), traceId, ctx);
}

/** --tree: the call's trace from the registry on stderr (stdout stays the result). */
async function printTree(registry: RegistryClient, traceId: string, ctx: Context): Promise<void> {
  const { waitForTrace } = await import("./trace.js");
  const { traceTree } = await import("../trace-tree.js");
  try {
    const trace = await waitForTrace(registry, traceId, 10);
    if (!trace) ctx.out.err(ctx.out.c.dim(`trace ${traceId} did not reach ${registry.url} within 10 s`));
    else ctx.out.err(traceTree(trace, false, ctx.out.c).join("\n"));
  } catch (e) {
    ctx.out.err(ctx.out.c.dim(`no trace tree: ${(e as Error).message}`));
  }
}

/** A stream's chunk (LLM-WIRE.md §3.1): a progress notification's message. */
function streamChunk(n: ToolNotification): string | undefined {
  if (n.method !== "notifications/progress") return undefined;
  return typeof n.params.message === "string" ? n.params.message : undefined;
}

async function readArgsFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw usageError(`cannot read --file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Through /proxy the registry is the first hop, so it gets the registry token (not the agent). */
function proxyAuth(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.MCP_MESH_REGISTRY_TOKEN?.split(",")[0]?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export const callCommand: Command = {
  name: "call",
  summary: "call a tool of an agent (through the registry proxy by default)",
  help: `meshctl call: call an MCP tool of a registered agent

Usage:
  meshctl call <tool | agent:tool> ['{json arguments}'] [flags]

The tool is found by MCP tool name, else by capability, among healthy agents. When different
agents offer it, name one: <agent>:<tool> (agent id, id prefix or name). Replicas of one agent
(same name) are interchangeable and the most recently seen one answers.
The call goes through the registry's /proxy, so only the registry needs to be reachable.

Output: text results as text, JSON results (and structuredContent) as indented JSON.
The tool's progress reports and log messages are printed on stderr as they arrive, one line
each ("progress 40% (2/5) parsing", "warning db: slow query"); stdout is only the result.
A tool error prints one line on stderr and exits 1.
A streaming tool's chunks are printed on stdout as they arrive, with no newline added between
them and one at the end (if the text does not already end with one); the final result, their
concatenation, is then not printed again.

Flags:
      --direct           call the agent's endpoint directly, not through the registry
                         (also --use-proxy=false, as the reference meshctl)
      --agent-url URL    call this agent URL directly; no registry lookup
  -f, --file FILE        read the JSON arguments from FILE
  -H, --header 'K: V'    extra HTTP header (repeatable)
      --timeout SECONDS  give up after this long (default 30; sent as X-Mesh-Timeout)
      --raw              print the MCP result object as one line of JSON (chunks not printed)
      --stream           print a streaming tool's chunks on stdout as they arrive (known
                         without it when our registry lists the tool as streaming)
      --no-stream        print only the final result, formatted, even for a streaming tool
      --trace            send a new trace id and print it on stderr
      --tree             also wait for the call's spans at the registry and print its call tree
                         on stderr (registry with tracing on, see meshctl trace)
${REGISTRY_HELP}
Examples:
  meshctl call hello_mesh_simple
  meshctl call add '{"a": 1, "b": 2}'
  meshctl call hello-world:hello_mesh_simple '{"who": "Ada"}' --raw | jq .
  meshctl call get_date --agent-url http://localhost:9091`,
  run,
};
