// The public types of the SDK: what a user declares (agent, tool, dependencies) and what the
// handler receives. Handler argument types follow from the declaration at the type level.
import type { McpServer } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { AuthIdentity, AuthOptions } from "./auth/inbound.js";
import type { LlmDeclaration, MeshLlm } from "./llm/consumer/types.js";
import type { TlsOptionsInput } from "./tls.js";

/** A consumer tag term: "x" (required), "+x" (preferred), "-x" (excluded), or an OR group. */
export type TagTerm = string | readonly string[];

/** A dependency as declared on a tool: a capability name, or the full form. */
export type DependencyDeclaration =
  | string
  | {
      readonly capability: string;
      readonly tags?: readonly TagTerm[];
      /** Semver constraint in the reference's syntax (">=1.2, <2", "^1.0", ...). */
      readonly version?: string;
      /** When true the handler gets a non-null proxy; the tool fails without running otherwise. */
      readonly required?: boolean;
      /**
       * Deadline of one call in milliseconds (default MCP_MESH_CALL_TIMEOUT, 30000): the whole
       * wait, including time queued for a connection, every attempt and every backoff.
       */
      readonly timeout?: number;
      /** Extra rounds over the providers after a timeout or when none could be reached (default 0). */
      readonly retries?: number;
      /**
       * When a provider does not answer within `attemptTimeout`, send the call to the next
       * provider (an equal replica or ranked alternative) while the deadline allows (default
       * false). Only for tools that are safe to run twice (read-only or idempotent): the slow
       * provider may still have done the work.
       */
      readonly retryOnTimeout?: boolean;
      /** With `retryOnTimeout`: how long one provider gets, ms (default `timeout` / 3; the last gets the rest). */
      readonly attemptTimeout?: number;
      /**
       * Hedging: when the provider has not answered after this many ms, send the same call to
       * the next provider too and take the first answer (the other request is cancelled). Cuts
       * tail latency and hides a hung replica; same caveat as `retryOnTimeout`, both may run.
       */
      readonly hedgeAfter?: number;
      /** The provider's output schema: calls resolve to its type and answers are validated. */
      readonly output?: z.ZodType;
      /** Headers sent with every call to this dependency. */
      readonly headers?: Readonly<Record<string, string>>;
      /**
       * Session affinity from the call's `session_id` argument (the reference Python
       * convention): calls with the same `session_id` go to the same replica while it is
       * healthy. The argument is still sent, so Python providers see it too. docs/sessions.md.
       */
      readonly session?: boolean;
      /** Told when a session of this dependency moves to another replica. */
      readonly onSessionMoved?: (move: SessionMove) => void;
    };

/** A session that had to leave its replica (docs/sessions.md). */
export interface SessionMove {
  sessionId: string;
  capability: string;
  /** Agent id of the replica the session was assigned to. */
  from: string | undefined;
  /** Agent id of the replica it is assigned to now. */
  to: string;
  /**
   * "left": the replica is no longer wired (stopped, unhealthy, gone from the registry);
   * "ejected": it kept failing and is sidelined for a while; "failed": it did not answer this
   * call (unreachable or timed out) and another replica did.
   */
  reason: "left" | "ejected" | "failed";
}

export type DependencyMap = Readonly<Record<string, DependencyDeclaration>>;

/** Arguments a mesh tool accepts: a JSON object. */
export type ToolArgs = Record<string, unknown>;

/** An injected dependency: call it like a function, or call another tool of the provider. */
export interface McpMeshTool<T = unknown> {
  (args?: ToolArgs, options?: CallOptions): Promise<T>;
  /** Calls tool `name` on the provider currently wired to this dependency. */
  callTool(name: string, args?: ToolArgs, options?: CallOptions): Promise<unknown>;
  readonly capability: string;
  /** The provider calls currently go to first (changes when the mesh re-wires). */
  readonly endpoint: string;
  readonly functionName: string;
  readonly agentId: string;
  /**
   * Calls the provider's tool as a stream: yields each chunk as the provider sends it, and the
   * result text once when the provider sent no chunk (a tool that does not stream). Stopping
   * the iteration (break, return, an error) cancels the call. Throws a MeshError when the tool
   * fails. Fails over to another provider only before the first chunk; no hedging.
   */
  stream(args?: ToolArgs, options?: StreamOptions): AsyncIterable<string>;
  /** Streams tool `name` of the provider currently wired to this dependency. */
  streamTool(name: string, args?: ToolArgs, options?: StreamOptions): AsyncIterable<string>;
}

/** Per-stream overrides of the dependency's declaration. */
export interface StreamOptions {
  /** Deadline of the whole stream, ms (default: the dependency's `timeout`). */
  timeout?: number;
  headers?: Record<string, string>;
  /** Move to another provider when one sends no first chunk within `attemptTimeout`. */
  retryOnTimeout?: boolean;
  /** With `retryOnTimeout`: how long one provider gets to send its first chunk, ms. */
  attemptTimeout?: number;
  /** Aborting it cancels the call; the iteration ends with MeshError `cancelled`. */
  signal?: AbortSignal;
  /** Session affinity for this stream, as for a call (CallOptions.sessionId). */
  sessionId?: string;
  /** Told when this stream's session moves to another replica (as well as the dependency's listener). */
  onSessionMoved?: (move: SessionMove) => void;
}

/** Per-call overrides of the dependency's declaration. */
export interface CallOptions {
  /** Deadline of this call, ms (the whole wait). */
  timeout?: number;
  headers?: Record<string, string>;
  /** See the dependency's `retryOnTimeout`. */
  retryOnTimeout?: boolean;
  attemptTimeout?: number;
  /** See the dependency's `hedgeAfter` (not used for session calls: one replica per session). */
  hedgeAfter?: number;
  /**
   * Session affinity for this call: every call with the same id goes to the same replica while
   * it is healthy (overrides a `session: true` dependency's `session_id` argument). Not added to
   * the arguments; see docs/sessions.md for Python providers.
   */
  sessionId?: string;
  /** Told when this call's session moves to another replica (as well as the dependency's listener). */
  onSessionMoved?: (move: SessionMove) => void;
}

/** The injected object: one key per declared dependency. */
export type InjectedDependencies<D extends DependencyMap> = {
  -readonly [K in keyof D]: D[K] extends { readonly required: true }
    ? McpMeshTool<DependencyOutput<D[K]>>
    : McpMeshTool<DependencyOutput<D[K]>> | null;
};

/** What calling a dependency resolves to: its declared `output` schema's type, else unknown. */
export type DependencyOutput<D> = D extends { readonly output: infer S extends z.ZodType } ? z.output<S> : unknown;

/** `input` as a user writes it: a raw shape `{ who: z.string() }` or any zod object schema. */
export type InputDeclaration = Readonly<Record<string, z.ZodType>> | z.ZodType<Record<string, unknown>>;

export type InputOf<I> = I extends z.ZodType
  ? z.output<I>
  : I extends Readonly<Record<string, z.ZodType>>
    ? { [K in keyof I as undefined extends z.output<I[K]> ? never : K]: z.output<I[K]> } & {
        [K in keyof I as undefined extends z.output<I[K]> ? K : never]?: z.output<I[K]>;
      }
    : Record<string, never>;

export type OutputOf<O> = O extends z.ZodType ? z.input<O> : unknown;

/** What the injected LLM answers: the tool's `output` type, else a string. */
export type LlmOutputOf<O> = O extends z.ZodType ? z.output<O> : string;

/** With an `llm` option the handler's second argument also has `llm` (null while no provider resolves). */
export type InjectedLlm<L, O> = L extends LlmDeclaration ? { llm: MeshLlm<LlmOutputOf<O>> | null } : unknown;

/** MCP log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "notice" | "warning" | "error" | "critical" | "alert" | "emergency";

/** Per-call context: the trace this call belongs to, propagated headers, and the caller's channel. */
export interface ToolContext {
  traceId: string;
  parentSpan: string | undefined;
  /** The caller's W3C `tracestate`, forwarded unchanged on this call's outbound calls. */
  traceState?: string;
  headers: Record<string, string>;
  signal: AbortSignal | undefined;
  /**
   * The caller verified by the agent's or the tool's `auth` (docs/security.md, "Agents"); absent
   * when nothing is protected and for in-process calls. Never holds the token itself.
   */
  auth?: AuthIdentity;
  /**
   * Sends a log message to this call's caller (MCP `notifications/message`) while the call runs.
   * It reaches callers that accept `text/event-stream` (MCP clients); for others (mesh agents,
   * plain JSON callers, in-process calls) it is dropped. Never throws for an absent caller.
   */
  log(level: LogLevel, data: unknown, logger?: string): Promise<void>;
  /**
   * Reports progress (MCP `notifications/progress`) when the caller asked for it with a
   * `_meta.progressToken`; does nothing otherwise. `progress` should increase with each call.
   */
  progress(progress: number, total?: number, message?: string): Promise<void>;
}

export interface ToolDefinition<
  I extends InputDeclaration | undefined,
  O extends z.ZodType | undefined,
  D extends DependencyMap,
  L extends LlmDeclaration | undefined = undefined,
> {
  /** MCP tool name (the wire's function_name). */
  name: string;
  /** Capability it provides (defaults to name). */
  capability?: string;
  description?: string;
  version?: string;
  tags?: readonly string[];
  input?: I;
  output?: O;
  dependencies?: D;
  /** Free-form metadata returned to consumers inside their resolved dependency. */
  kwargs?: Record<string, unknown>;
  /**
   * Require a bearer token for this tool: calls to it are checked against this instead of the
   * agent's `auth`. The tool stays listed in tools/list (docs/security.md, "Agents").
   */
  auth?: AuthOptions;
  /** An injected LLM (docs/llm.md): a provider chosen by tags, and the mesh tools its model may call. */
  llm?: L;
  /** `true` makes a streaming tool: see StreamingToolDefinition. */
  stream?: false;
  handler: (
    args: InputOf<I>,
    deps: InjectedDependencies<D> & InjectedLlm<L, O>,
    ctx: ToolContext,
  ) => OutputOf<O> | Promise<OutputOf<O>>;
}

/**
 * A tool whose handler returns an async iterable of strings (typically an `async function*`).
 * Callers that send a progress token (`dep.stream()`, Python `.stream()`, `meshctl call`) get
 * each chunk as it is yielded; every caller gets the concatenation as the tool's text result.
 * The tool advertises `stream_type: "text"` in its capability kwargs. An `async function*`
 * handler is detected as streaming without `stream: true`; any other handler needs it.
 */
export interface StreamingToolDefinition<I extends InputDeclaration | undefined, D extends DependencyMap>
  extends Omit<ToolDefinition<I, undefined, D>, "stream" | "output" | "handler"> {
  stream: true;
  /** A streaming tool's result is text: no output schema. */
  output?: undefined;
  handler: (
    args: InputOf<I>,
    deps: InjectedDependencies<D>,
    ctx: ToolContext,
  ) => AsyncIterable<string> | Promise<AsyncIterable<string>>;
}

export type HealthStatus = "healthy" | "degraded" | "unhealthy";
export type HealthCheck = () =>
  | HealthStatus
  | boolean
  | { status: HealthStatus; checks?: Record<string, unknown>; errors?: string[] }
  | Promise<HealthStatus | boolean | { status: HealthStatus; checks?: Record<string, unknown>; errors?: string[] }>;

export interface AgentOptions {
  name: string;
  /** 0 = any free port. A busy port falls back to a free one. */
  httpPort?: number;
  /** Host announced to the registry (default: auto-detected outbound IP). */
  httpHost?: string;
  /** Bind address (default 0.0.0.0; env HOST). */
  bindHost?: string;
  version?: string;
  description?: string;
  namespace?: string;
  tags?: readonly string[];
  /**
   * The registry, or several (replicas, a fallback; a list or one comma-separated string): the
   * agent uses the first and moves to the next when its registry stops answering (env
   * MCP_MESH_REGISTRY_URL).
   */
  registryUrl?: string | readonly string[];
  /** A plain MCP server: no registry traffic at all (env MCP_MESH_STANDALONE). */
  standalone?: boolean;
  /** Seconds between heartbeats (default 5). */
  heartbeatInterval?: number;
  healthCheck?: HealthCheck;
  /** Start once the module has loaded (default true). */
  autoRun?: boolean;
  /** Follow the registry's watch stream when it offers one (default true). */
  watch?: boolean;
  /** Max seconds a call waits for the first resolution at start-up (default 5). */
  settleTimeout?: number;
  /** Unregister and exit on SIGINT/SIGTERM (default true). */
  handleSignals?: boolean;
  /** pino level (default info; env MCP_MESH_LOG_LEVEL). */
  logLevel?: string;
  /**
   * The environment the `MCP_MESH_*` overrides are read from (default `process.env`). Pass `{}`
   * to make the options in code final, as `@mcp-mesh/sdk/testing` does so that an exported
   * MCP_MESH_REGISTRY_URL cannot point a test's agents at a real registry.
   */
  env?: Record<string, string | undefined>;
  /**
   * Require a bearer token (static or JWT) on every /mcp request (docs/security.md, "Agents");
   * env MCP_MESH_AUTH_TOKENS / MCP_MESH_AUTH_JWKS_URL.
   */
  auth?: AuthOptions;
  /**
   * The mesh credential this agent's dependency calls carry (`Authorization: Bearer <token>`),
   * unless a propagated `authorization` or the dependency's own `headers` set one; env
   * MCP_MESH_AGENT_TOKEN.
   */
  agentToken?: string;
  /**
   * Serve /mcp over HTTPS and call the registry and providers with this certificate, trusting
   * `ca` (docs/security.md, "TLS and mTLS"); env MCP_MESH_TLS_MODE / _CERT / _KEY / _CA.
   */
  tls?: TlsOptionsInput;
}

export interface AgentHandle {
  agentId: string;
  /** http(s)://host:port as announced to the registry. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export type { McpServer };
