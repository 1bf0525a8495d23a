// meshctl's use of the one tools/call client (@mcp-mesh/sdk/client): the wording of its errors
// for a person at a terminal, and how a tool's progress and log notifications read on stderr.
import { randomBytes } from "node:crypto";
import { ErrorCodes, isMeshError, MeshError } from "@mcp-mesh/protocol";
import { callToolHttp, createDispatcher, type JsonRpcResponse, type ToolNotification } from "@mcp-mesh/sdk/client";
import { meshctlTls } from "./mesh-fetch.js";
import type { Colors } from "./output.js";

export type { JsonRpcResponse, ToolNotification, ToolResult } from "@mcp-mesh/sdk/client";

export interface CallRequest {
  /** Full URL of the /mcp endpoint (through the registry proxy or direct). */
  url: string;
  tool: string;
  args: Record<string, unknown>;
  timeoutMs: number;
  headers?: Record<string, string>;
  traceId?: string;
  /** Receives the tool's notifications as they arrive; asks the tool for progress reports. */
  onNotification?: (n: ToolNotification) => void;
}

export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

export async function callTool(req: CallRequest): Promise<JsonRpcResponse> {
  // One call per meshctl run: a dispatcher of its own, closed after, so nothing keeps the process.
  const tls = meshctlTls();
  const dispatcher = createDispatcher({ connections: 1, ...(tls && { tls }) });
  try {
    return await callToolHttp(dispatcher, {
      url: req.url,
      tool: req.tool,
      args: req.traceId ? { ...req.args, _trace_id: req.traceId } : req.args,
      timeoutMs: req.timeoutMs,
      headers: { ...req.headers, ...(req.traceId ? { "x-trace-id": req.traceId } : {}) },
      ...(req.onNotification && { progressToken: `meshctl-${randomBytes(4).toString("hex")}` }),
      onNotification: req.onNotification,
    });
  } catch (e) {
    if (isMeshError(e) && e.code === ErrorCodes.TIMEOUT)
      throw new MeshError(
        ErrorCodes.TIMEOUT,
        `tool '${req.tool}' did not answer within ${req.timeoutMs / 1000} s: raise --timeout if it is slow`,
      );
    if (isMeshError(e) && e.code === ErrorCodes.UNREACHABLE)
      throw new MeshError(ErrorCodes.UNREACHABLE, `cannot reach ${req.url} (${e.details?.reason ?? e.message})`);
    throw e;
  } finally {
    dispatcher.destroy().catch(() => {});
  }
}

const LEVEL_COLOR: Record<string, keyof Colors> = {
  debug: "dim",
  info: "cyan",
  notice: "cyan",
  warning: "yellow",
  error: "red",
  critical: "red",
  alert: "red",
  emergency: "red",
};

/** One readable line for a progress or log notification; undefined for anything else. */
export function notificationLine(n: ToolNotification, c: Colors): string | undefined {
  const p = n.params;
  if (n.method === "notifications/progress") {
    const progress = typeof p.progress === "number" ? p.progress : undefined;
    const total = typeof p.total === "number" ? p.total : undefined;
    const amount =
      progress === undefined
        ? ""
        : total !== undefined && total > 0
          ? `${Math.round((progress / total) * 100)}% (${progress}/${total})`
          : String(progress);
    const message = typeof p.message === "string" ? clean(p.message) : "";
    return `${c.dim("progress")} ${[amount, message].filter(Boolean).join(" ")}`;
  }
  if (n.method === "notifications/message") {
    const level = typeof p.level === "string" && p.level in LEVEL_COLOR ? p.level : "info";
    const paint = c[LEVEL_COLOR[level] ?? "cyan"] as (s: string) => string;
    const logger = typeof p.logger === "string" ? ` ${clean(p.logger)}:` : "";
    const data = typeof p.data === "string" ? p.data : (JSON.stringify(p.data) ?? "");
    return `${paint(level)}${logger} ${clean(data)}`;
  }
  return undefined;
}

/** A tool's text must not break the one-line-per-notification layout, nor drive the terminal. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  return text.replace(/\r?\n/g, " ⏎ ").replace(/[\u0000-\u001f\u007f]/g, "");
}
