// meshctl trace <trace_id>: a trace from the registry (GET /trace/{id}, tracing on) as a call tree.
import type { TraceView } from "@mcp-mesh/protocol";
import { intOption, parseCommand, REGISTRY_HELP, REGISTRY_OPTIONS } from "../args.js";
import type { Command, Context } from "../context.js";
import { ErrorCodes, MeshError, usageError } from "../errors.js";
import { createRegistryClient, type RegistryClient } from "../registry-client.js";
import { resolveRegistryUrls } from "../registry-url.js";
import { traceTree } from "../trace-tree.js";

const OPTIONS = {
  ...REGISTRY_OPTIONS,
  all: { type: "boolean" },
  wait: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The trace, or undefined while the registry does not hold it (404). */
export async function fetchTrace(registry: RegistryClient, traceId: string): Promise<TraceView | undefined> {
  const res = await registry.get(`/trace/${traceId}`);
  const url = registry.url;
  const text = await res.text();
  if (res.status === 404) {
    if (text.includes('"enabled":false'))
      throw new MeshError(
        ErrorCodes.NOT_FOUND,
        `the registry at ${url} has tracing off: start it with MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true and REDIS_URL`,
      );
    return undefined;
  }
  if (!res.ok) throw new MeshError(ErrorCodes.UNREACHABLE, `the registry at ${url} answered ${res.status}`);
  return JSON.parse(text) as TraceView;
}

/** Waits up to `seconds` for the trace, then until no new span arrived for 500 ms. */
export async function waitForTrace(
  registry: RegistryClient,
  traceId: string,
  seconds: number,
): Promise<TraceView | undefined> {
  const deadline = Date.now() + seconds * 1000;
  let last: TraceView | undefined;
  let stableSince = 0;
  for (;;) {
    const t = await fetchTrace(registry, traceId);
    if (t && t.span_count !== last?.span_count) stableSince = Date.now();
    if (t) last = t;
    if (last && Date.now() - stableSince >= 500) return last;
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("trace", argv, OPTIONS);
  const traceId = positionals[0]?.toLowerCase();
  if (!traceId || !/^[0-9a-f]{32}$/.test(traceId) || positionals.length > 1)
    throw usageError(
      "meshctl trace needs one trace id (32 hex digits), e.g. meshctl trace 4bf92f3577b34da6a3ce929d0e0e4736",
    );
  const registry = createRegistryClient(resolveRegistryUrls(values, ctx.env));
  const wait = intOption(values.wait, "wait", 0, 0);
  const trace = wait > 0 ? await waitForTrace(registry, traceId, wait) : await fetchTrace(registry, traceId);
  if (!trace) throw new MeshError(ErrorCodes.NOT_FOUND, `trace ${traceId} not found at ${registry.url}`);
  if (values.json) {
    ctx.out.out(JSON.stringify(trace, null, 2));
    return;
  }
  ctx.out.out(
    `trace ${trace.trace_id}: ${trace.span_count} spans, ${trace.agents.length} agents, ${trace.duration_ms.toFixed(1)} ms`,
  );
  ctx.out.out(traceTree(trace, values.all === true, ctx.out.c).join("\n"));
}

export const traceCommand: Command = {
  name: "trace",
  summary: "show a trace as a call tree (agent, tool, duration, status, LLM tokens)",
  help: `meshctl trace: one trace from the registry as a call tree

Usage:
  meshctl trace <trace_id> [flags]

Needs a registry with tracing on (MCP_MESH_DISTRIBUTED_TRACING_ENABLED=true, REDIS_URL) and agents
publishing spans (the same variable). Each line: the tool, [agent], duration, ok or failed, and
the LLM tokens of a consumer's span.

Flags:
      --all              also show internal spans (proxy_call_wrapper, one per outbound call)
      --wait SECONDS     wait up to SECONDS for the trace to arrive (and its spans to settle)
      --json             the trace as the registry returns it (GET /trace/{id})
${REGISTRY_HELP}
Examples:
  meshctl trace 4bf92f3577b34da6a3ce929d0e0e4736
  meshctl trace 4bf92f3577b34da6a3ce929d0e0e4736 --all`,
  run,
};
