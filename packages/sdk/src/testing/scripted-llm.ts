// A SCRIPTED MODEL, not an LLM: an OpenAI-compatible chat-completions server over real HTTP on
// 127.0.0.1 that answers each POST /v1/chat/completions with the next turn of a script, buffered
// or streamed (SSE chunks shaped as OpenAI sends them, tool-call deltas and usage included), and
// records every request so a test can assert what "the model" saw (messages, tools,
// response_format). Point any OpenAI-compatible client at `url` (e.g. the AI SDK's
// @ai-sdk/openai-compatible with `baseURL: llm.url`, or an agent's `llmProvider({ baseURL })`).
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface ScriptedToolCall {
  name: string;
  /** An object (sent as its JSON text) or the exact arguments string. */
  arguments: unknown;
  /** Default `call_<n>`. */
  id?: string;
}

/** One answer of the scripted model. */
export type ScriptedTurn =
  | { text: string; usage?: ScriptedUsage; delayMs?: number; chunks?: string[] }
  | { toolCalls: ScriptedToolCall[]; text?: string; usage?: ScriptedUsage; delayMs?: number }
  /** Structured output: the value's JSON text as the message content. */
  | { json: unknown; usage?: ScriptedUsage; delayMs?: number }
  /** An HTTP error answer, as OpenAI sends them: `{ error: { message, type, code } }`. */
  | { error: string; status?: number; delayMs?: number };

/** A turn, or a function of the request that returns one (to echo what the model saw). */
export type ScriptStep = ScriptedTurn | ((request: RecordedRequest) => ScriptedTurn);

export interface RecordedRequest {
  model: string | undefined;
  messages: Array<Record<string, unknown>>;
  tools: Array<Record<string, unknown>> | undefined;
  response_format: Record<string, unknown> | undefined;
  stream: boolean;
  /** The whole JSON body as received. */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface ScriptedLlm {
  /** Base URL including /v1, e.g. http://127.0.0.1:41234/v1 */
  url: string;
  /** Every chat-completions request received, in order. */
  requests: RecordedRequest[];
  /** Appends turns to the script. */
  push(...steps: ScriptStep[]): void;
  /** Turns not answered yet. */
  readonly remaining: number;
  close(): Promise<void>;
}

export interface ScriptedLlmOptions {
  script?: ScriptStep[];
  /** Model id listed by GET /v1/models and echoed in answers (default "scripted-model"). */
  model?: string;
  /** Usage reported when a turn names none (default 10 prompt, 5 completion tokens). */
  usage?: ScriptedUsage;
}

const MAX_BODY = 8 * 1024 * 1024;

/** Starts the scripted model on a free loopback port. When the script runs out it answers HTTP 500. */
export async function startScriptedLlm(opts: ScriptedLlmOptions = {}): Promise<ScriptedLlm> {
  const script: ScriptStep[] = [...(opts.script ?? [])];
  const requests: RecordedRequest[] = [];
  const model = opts.model ?? "scripted-model";
  const defaultUsage = opts.usage ?? { prompt_tokens: 10, completion_tokens: 5 };
  let calls = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => sendError(res, 500, `scripted model: ${(err as Error).message}`));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, { object: "list", data: [{ id: model, object: "model", created: 0, owned_by: "scripted" }] });
      return;
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      sendError(res, 404, `scripted model: no route ${req.method} ${path}`);
      return;
    }
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
      if (typeof body !== "object" || body === null || !Array.isArray(body.messages)) throw new Error("no messages");
    } catch {
      sendError(res, 400, "scripted model: the body must be a JSON chat-completions request with messages");
      return;
    }
    const recorded: RecordedRequest = {
      model: typeof body.model === "string" ? body.model : undefined,
      messages: body.messages as RecordedRequest["messages"],
      tools: Array.isArray(body.tools) ? (body.tools as RecordedRequest["tools"]) : undefined,
      response_format: isObject(body.response_format) ? body.response_format : undefined,
      stream: body.stream === true,
      body,
      headers: req.headers,
    };
    requests.push(recorded);
    const step = script.shift();
    if (step === undefined) {
      sendError(res, 500, `scripted model: the script has no turn left for request ${requests.length}`);
      return;
    }
    const turn = typeof step === "function" ? step(recorded) : step;
    if (turn.delayMs) await new Promise((r) => setTimeout(r, turn.delayMs));
    if ("error" in turn) {
      sendError(res, turn.status ?? 500, turn.error);
      return;
    }
    calls++;
    const answer = toAnswer(turn, calls);
    const usage = ("usage" in turn && turn.usage) || defaultUsage;
    const id = `chatcmpl-scripted-${randomBytes(6).toString("hex")}`;
    const created = Math.floor(Date.now() / 1000);
    const usageBody = { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
    if (!recorded.stream) {
      const message: Record<string, unknown> = { role: "assistant", content: answer.content };
      if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls;
      sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        choices: [{ index: 0, message, finish_reason: answer.finish, logprobs: null }],
        usage: usageBody,
      });
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`,
      );
    chunk({ role: "assistant", content: "" });
    const pieces = "chunks" in turn && turn.chunks ? turn.chunks : splitWords(answer.content ?? "");
    for (const piece of pieces) chunk({ content: piece });
    answer.toolCalls.forEach((call, index) => {
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }],
      });
      for (const part of halves(call.function.arguments))
        chunk({ tool_calls: [{ index, function: { arguments: part } }] });
    });
    chunk({}, answer.finish);
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage)
      res.write(
        `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: usageBody })}\n\n`,
      );
    res.end("data: [DONE]\n\n");
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    push: (...steps) => script.push(...steps),
    get remaining() {
      return script.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Answer {
  content: string | null;
  toolCalls: Array<{ id: string; type: "function"; function: { name: string; arguments: string } }>;
  finish: "stop" | "tool_calls";
}

function toAnswer(turn: Exclude<ScriptedTurn, { error: string }>, n: number): Answer {
  if ("json" in turn) return { content: JSON.stringify(turn.json), toolCalls: [], finish: "stop" };
  if ("toolCalls" in turn) {
    const toolCalls = turn.toolCalls.map((c, i) => ({
      id: c.id ?? `call_${n}_${i}`,
      type: "function" as const,
      function: {
        name: c.name,
        arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments ?? {}),
      },
    }));
    return { content: turn.text ?? null, toolCalls, finish: "tool_calls" };
  }
  return { content: turn.text, toolCalls: [], finish: "stop" };
}

/** Words with their following space, so the chunks concatenate to the text. */
function splitWords(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** Arguments in two deltas, as real models split them. */
function halves(s: string): string[] {
  const mid = Math.ceil(s.length / 2);
  return s.length < 2 ? [s] : [s.slice(0, mid), s.slice(mid)];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY) {
        reject(new Error("request body over 8 MiB"));
        req.destroy();
      } else parts.push(b);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    error: { message, type: status >= 500 ? "server_error" : "invalid_request_error", code: null },
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
