// `agent.llmProvider()` as tools: the buffered provider tool and its `<name>_stream` twin
// (LLM-WIRE §1.1, §3.2), both with the real MeshLlmRequest inputSchema and `vendor` in the
// capability kwargs, both running the one provider loop. Vendor failures become MeshError
// `llm_provider_error` (an MCP tool error for the caller, §1.4).
import { ErrorCodes, isMeshError, MeshError } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { withoutSecrets } from "../../log.js";
import type { ToolContext, ToolDefinition } from "../../types.js";
import { loadModel, parseModel, type VendorModel } from "../vendors.js";
import type { Envelope } from "./loop.js";
import type { LlmProviderOptions } from "./options.js";
import { type MeshLlmRequest, providerInput, readParams } from "./request.js";
import { routeAiSdkWarnings } from "./warnings.js";

export const STREAM_TAG = "ai.mcpmesh.stream";

export interface ProviderHost {
  /** The running agent's pooled dispatcher (the one client's). */
  dispatcher(): Dispatcher | undefined;
  logger(): Logger | undefined;
  /** Counts each model call and its tokens (the agent's metrics). */
  recordLlm?(provider: string, model: string, input: number, output: number): void;
  /** Whether the registry resolved `endpoint` to a registered agent (registered.ts). */
  registered(endpoint: string): Promise<boolean>;
}

type ProviderTool = ToolDefinition<typeof providerInput, undefined, Record<never, never>>;

export function llmProviderTools(
  opts: LlmProviderOptions,
  host: ProviderHost,
): { tools: ProviderTool[]; problems: string[] } {
  const problems: string[] = [];
  const parsed = parseModel(String(opts.model ?? ""));
  if ("problem" in parsed) problems.push(`llmProvider: ${parsed.problem}`);
  if (parsed && "vendor" in parsed && parsed.vendor === "openai-compatible" && !opts.baseURL)
    problems.push(`llmProvider: model "${opts.model}" needs baseURL (the server's /v1 URL)`);
  if (opts.maxRetries !== undefined && !(Number.isInteger(opts.maxRetries) && opts.maxRetries >= 0))
    problems.push("llmProvider: maxRetries must be a whole number >= 0");
  if (problems.length > 0) return { tools: [], problems };
  const vendor = (parsed as { vendor: string }).vendor;
  const name = opts.name ?? "process_chat";
  const run = providerRunner(opts, vendor, host);
  const base = {
    capability: opts.capability ?? "llm",
    ...(opts.version !== undefined && { version: opts.version }),
    input: providerInput,
  };
  const tools: ProviderTool[] = [
    {
      ...base,
      name,
      description: opts.description ?? `LLM provider ${opts.model} (MeshLlmRequest in, JSON envelope out)`,
      tags: [...(opts.tags ?? [])],
      kwargs: { vendor },
      handler: withCode(async ({ request }, _deps, ctx) => JSON.stringify(await run(request, ctx))),
    },
  ];
  if (opts.stream !== false)
    tools.push({
      ...base,
      name: `${name}_stream`,
      description: `LLM provider ${opts.model}, streaming: text frames as MCP progress notifications`,
      tags: [...(opts.tags ?? []), STREAM_TAG],
      kwargs: { vendor, stream_type: "text" },
      handler: withCode(async ({ request }, _deps, ctx) => {
        // Frames (§3.2) go to the caller as progress messages; the result is their concatenation,
        // so a caller that sent no progress token still gets the whole answer.
        const frames: string[] = [];
        const send = async (frame: Record<string, unknown>) => {
          const text = JSON.stringify(frame);
          await ctx.progress(frames.length, undefined, text);
          frames.push(text);
        };
        const envelope = await run(request, ctx, (delta) => send({ _mesh_frame: "chunk", content: delta }));
        await send({
          _mesh_frame: "end",
          ...(envelope._mesh_stop_reason && { stop_reason: envelope._mesh_stop_reason }),
        });
        return frames.join("");
      }),
    });
  return { tools, problems };
}

/**
 * The caller reads a failure as the MCP tool error's text only, so the text starts with the code
 * (as `dependency_unavailable: ...` does): `llm_provider_error: LLM provider ...: <vendor message>`.
 */
function withCode(handler: ProviderTool["handler"]): ProviderTool["handler"] {
  return async (args, deps, ctx) => {
    try {
      return await handler(args, deps, ctx);
    } catch (err) {
      if (isMeshError(err)) throw new MeshError(err.code, `${err.code}: ${err.message}`, err.details);
      throw err;
    }
  };
}

function providerRunner(opts: LlmProviderOptions, vendor: string, host: ProviderHost) {
  const settings = { baseURL: opts.baseURL, apiKey: opts.apiKey, env: process.env };
  const models = new Map<string, Promise<VendorModel>>();
  const modelFor = (model: string) => {
    let m = models.get(model);
    if (!m) {
      m = loadModel(model, settings);
      models.set(model, m);
      m.catch(() => models.delete(model));
    }
    return m;
  };
  return async (
    request: MeshLlmRequest,
    ctx: ToolContext,
    onText?: (delta: string) => Promise<void>,
  ): Promise<Envelope> => {
    const params = readParams(request.model_params, opts.modelParams ?? {}, process.env);
    const modelName = effectiveModel(opts.model, vendor, params.model, host.logger());
    routeAiSdkWarnings(host.logger());
    const dispatcher = host.dispatcher();
    if (!dispatcher) throw new MeshError(ErrorCodes.AGENT_STATE, "the provider's agent is not running");
    try {
      const vm = await modelFor(modelName);
      const { runProviderLoop } = await loop();
      return await runProviderLoop({
        model: vm.model,
        modelName,
        vendor,
        request,
        params,
        runner: { dispatcher, ctx, timeoutMs: callTimeoutMs(ctx), registered: host.registered },
        maxRetries: opts.maxRetries ?? 2,
        onIteration: (_n, step) => host.recordLlm?.(vendor, modelName, step.inputTokens, step.outputTokens),
        ...(onText && { onText }),
      });
    } catch (err) {
      if (isMeshError(err)) throw err;
      // A vendor may quote the key it refused; the message goes to the caller, logs and traces.
      const message = withoutSecrets(vendorMessage(err), vendorKeys(opts.apiKey, process.env));
      throw new MeshError(ErrorCodes.LLM_PROVIDER_ERROR, `LLM provider ${modelName}: ${message}`);
    }
  };
}

// The AI SDK (~100 ms to import) loads with the first LLM call, not with every agent.
let loading: Promise<typeof import("./loop.js")> | undefined;
function loop(): Promise<typeof import("./loop.js")> {
  loading ??= import("./loop.js");
  return loading;
}

/**
 * A consumer's `model_params.model` is used when its vendor is this provider's (or it names none);
 * a model of another vendor is ignored with a warning, as in the reference providers.
 */
function effectiveModel(own: string, vendor: string, asked: string | undefined, logger: Logger | undefined): string {
  if (!asked) return own;
  const slash = asked.indexOf("/");
  if (slash < 0) return `${vendor}/${asked}`;
  if (asked.slice(0, slash).toLowerCase() === vendor) return asked;
  logger?.warn({ asked, model: own }, `model override ${asked} is not a ${vendor} model: using ${own}`);
  return own;
}

/** The deadline a mesh tool call gets: the caller's X-Mesh-Timeout when propagated, else 300 s. */
function callTimeoutMs(ctx: ToolContext): number {
  const s = Number(ctx.headers["x-mesh-timeout"]);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 300_000;
}

/** The keys this provider may be using: its own `apiKey` and the vendors' `*_API_KEY` variables. */
function vendorKeys(apiKey: string | undefined, env: NodeJS.ProcessEnv): (string | undefined)[] {
  return [apiKey, ...Object.entries(env).flatMap(([k, v]) => (k.endsWith("_API_KEY") ? [v] : []))];
}

function vendorMessage(err: unknown): string {
  const e = err as { message?: string; lastError?: { message?: string }; statusCode?: number };
  const inner = e?.lastError ?? e;
  const status = (inner as { statusCode?: number }).statusCode;
  return `${status ? `HTTP ${status}: ` : ""}${inner?.message ?? String(err)}`;
}
