// The call observer (DESIGN.md §8): one span per inbound tool call and per outbound proxy call,
// hung off the call record's ToolContext. Spans go to @opentelemetry/api (a no-op unless the app
// registers an OTel SDK; then ours join its traces and share its ids) and, with
// MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true, to Redis `mesh:trace` in the reference's format.
import { AsyncLocalStorage } from "node:async_hooks";
import { context, createTraceState, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { ToolContext } from "../types.js";
import { newSpanId } from "./ids.js";
import type { SpanSink } from "./redis-export.js";
import type { AgentIdentity } from "./span-record.js";

const tracer = trace.getTracer("@mcp-mesh/sdk");

export interface SpanEnd {
  error?: string;
  resultType?: string;
  /** Record fields; `gen_ai.*` ones are also set on the OTel span (numbers where numeric). */
  extra?: Record<string, string>;
  /** Renames the span at its end (an LLM iteration learns its model from the answer). */
  name?: { record: string; otel: string };
}

export interface ActiveSpan {
  readonly traceId: string;
  readonly id: string;
  /** A child span (outbound call) in the same trace. */
  child(name: string, otelName: string, attrs: Record<string, string>, dependencies: string[]): ActiveSpan;
  /** Fields added to the span's record (the LLM consumer's llm_* totals), kept until it ends. */
  annotate(extra: Record<string, string>): void;
  end(outcome?: SpanEnd): void;
}

export interface CallObserver {
  inbound(ctx: ToolContext, tool: string, argsCount: number, dependencies: string[]): ActiveSpan;
}

/** The span of the inbound call a ToolContext belongs to (set by the observer, read by proxies). */
const spans = new WeakMap<ToolContext, ActiveSpan>();

export function spanOf(ctx: ToolContext | undefined): ActiveSpan | undefined {
  return ctx ? spans.get(ctx) : undefined;
}

/** A span opened inside a call (an LLM iteration) that the call's outbound calls hang under. */
const scoped = new AsyncLocalStorage<{ ctx: ToolContext; span: ActiveSpan }>();

/**
 * The span outbound calls made now belong under: the innermost one `runInSpan` opened for this
 * call, else the call's own. Keyed by the call's context, so an in-process call made from inside
 * an iteration starts from its own span, not the caller's iteration.
 */
export function currentSpan(ctx: ToolContext | undefined): ActiveSpan | undefined {
  const s = scoped.getStore();
  return s && s.ctx === ctx ? s.span : spanOf(ctx);
}

export function runInSpan<T>(ctx: ToolContext, span: ActiveSpan, fn: () => T): T {
  return scoped.run({ ctx, span }, fn);
}

export function createCallObserver(agent: () => AgentIdentity | undefined, sink: SpanSink | undefined): CallObserver {
  const open = (
    traceId: string,
    parent: string | undefined,
    name: string,
    otel: Span,
    argsCount: number,
    deps: string[],
  ): ActiveSpan => {
    const startMs = Date.now();
    let recordName = name;
    const id = otel.isRecording() ? otel.spanContext().spanId : newSpanId();
    let notes: Record<string, string> | undefined;
    const self: ActiveSpan = {
      traceId,
      id,
      child(childName, otelName, attrs, dependencies) {
        const parentCtx = trace.setSpan(context.active(), otel);
        const s = tracer.startSpan(otelName, { kind: SpanKind.CLIENT, attributes: attrs }, parentCtx);
        return open(traceId, id, childName, s, 0, dependencies);
      },
      annotate(extra) {
        notes = { ...notes, ...extra };
      },
      end(outcome = {}) {
        if (notes) outcome = { ...outcome, extra: { ...notes, ...outcome.extra } };
        if (outcome.name) recordName = outcome.name.record;
        // The OTel side only when an SDK records it: with none (the usual case) this is all skipped.
        if (otel.isRecording()) {
          if (outcome.name) otel.updateName(outcome.name.otel);
          if (outcome.error !== undefined) otel.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
          for (const [k, v] of Object.entries(outcome.extra ?? {}))
            if (k.startsWith("llm_") || k.startsWith("gen_ai."))
              otel.setAttribute(llmAttr(k), k === "llm_model" || Number.isNaN(Number(v)) ? v : Number(v));
          otel.end();
        }
        const who = agent();
        if (!sink || !who) return;
        sink.publish(
          {
            traceId,
            spanId: id,
            parentSpan: parent,
            functionName: recordName,
            startMs,
            endMs: Date.now(),
            success: outcome.error === undefined,
            error: outcome.error,
            resultType: outcome.resultType ?? "dict",
            argsCount,
            injectedDependencies: deps.length,
            dependencies: deps,
            extra: outcome.extra,
          },
          who,
        );
      },
    };
    return self;
  };
  return {
    inbound(ctx, tool, argsCount, dependencies) {
      let parentCtx = context.active();
      if (ctx.parentSpan && /^[0-9a-f]{16}$/.test(ctx.parentSpan))
        parentCtx = trace.setSpanContext(parentCtx, {
          traceId: ctx.traceId,
          spanId: ctx.parentSpan,
          traceFlags: 1,
          isRemote: true,
          // The app's own OTel propagation (if any) then carries the caller's vendor entries too.
          ...(ctx.traceState && { traceState: createTraceState(ctx.traceState) }),
        });
      const otel = tracer.startSpan(
        `tools/call ${tool}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            "mcp.method.name": "tools/call",
            "gen_ai.tool.name": tool,
            "gen_ai.operation.name": "execute_tool",
          },
        },
        parentCtx,
      );
      // A root span under a registered SDK: the trace takes the SDK's id, so both views agree.
      if (otel.isRecording() && !ctx.parentSpan) ctx.traceId = otel.spanContext().traceId;
      const span = open(ctx.traceId, ctx.parentSpan, tool, otel, argsCount, dependencies);
      spans.set(ctx, span);
      return span;
    },
  };
}

/** llm_input_tokens → gen_ai.usage.input_tokens (GenAI semantic conventions). */
function llmAttr(k: string): string {
  if (k.startsWith("gen_ai.")) return k;
  if (k === "llm_input_tokens") return "gen_ai.usage.input_tokens";
  if (k === "llm_output_tokens") return "gen_ai.usage.output_tokens";
  if (k === "llm_model") return "gen_ai.request.model";
  return `mesh.${k}`;
}
