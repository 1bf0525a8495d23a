// Registry configuration: flags beat environment, environment beats defaults (the reference
// binary's names, PROTOCOL.md §5.2, plus ours). Parsed once; every problem is reported at once.
import { parseArgs } from "node:util";
import { type TlsMode, tlsModeOf } from "@mcp-mesh/protocol";

import { bool, count, duration, level, list, port, positive, positiveNonZero, seconds } from "./config-values.js";

export interface RegistryConfig {
  host: string;
  port: number;
  databaseUrl: string;
  healthCheckIntervalMs: number;
  timeoutThresholdMs: number;
  retentionMs: number;
  sweepIntervalMs: number;
  eventMaxRows: number;
  proxyTimeoutMs: number;
  propagateHeaders: string[];
  logLevel: string;
  maxAlternatives: number;
  watchGraceMs: number;
  watchKeepaliveMs: number;
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  maxConnections: number;
  registryTokens: string[];
  tokensFile: string;
  publicRead: boolean;
  protectMetrics: boolean;
  writeRate: number;
  writeBurst: number;
  jwksUrl: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** "true": consume the agents' spans from Redis `mesh:trace` and serve /trace/{id}, /traces. */
  distributedTracing: string;
  /** Redis holding `mesh:trace` (REDIS_URL). */
  redisUrl: string;
  /** off | auto | strict (MCP_MESH_TLS_MODE; auto when a certificate and key are given). */
  tlsMode: TlsMode;
  /** PEM files: the registry's certificate and key, and the CA client certificates are checked against. */
  tlsCert: string;
  tlsKey: string;
  tlsCa: string;
  /** V8 old-generation growth after each full GC, in percent (0 = V8's default); the binary only. */
  heapGrowthPercent: number;
  /** Cap on V8's young generation in MB (0 = V8's default); the binary only. */
  youngGenerationMb: number;
  /** The heap settings above hold while the live old generation is below this (MB; 0 = always); the binary only. */
  leanHeapMb: number;
}

interface Setting {
  env: string;
  default: string;
  help: string;
  parse: (raw: string) => number | string | string[] | boolean;
  key: keyof RegistryConfig;
}

export const SETTINGS: Setting[] = [
  { key: "host", env: "HOST", default: "localhost", help: "Listen address (flag --host/-H)", parse: (v) => v },
  { key: "port", env: "PORT", default: "8000", help: "Listen port (flag --port/-p; 0 = any free port)", parse: port },
  {
    key: "databaseUrl",
    env: "DATABASE_URL",
    default: "mcp_mesh_registry.db",
    help: "SQLite file path, :memory:, or a postgres:// URL (replicas may share it)",
    parse: (v) => v,
  },
  {
    key: "healthCheckIntervalMs",
    env: "HEALTH_CHECK_INTERVAL",
    default: "10",
    help: "Seconds between health scans",
    parse: seconds,
  },
  {
    key: "timeoutThresholdMs",
    env: "DEFAULT_TIMEOUT_THRESHOLD",
    default: "20",
    help: "Seconds without heartbeat before an agent is unhealthy",
    parse: seconds,
  },
  {
    key: "retentionMs",
    env: "MCP_MESH_RETENTION",
    default: "1h",
    help: "Purge unhealthy agents after this long (Go duration; 0 disables)",
    parse: duration,
  },
  {
    key: "sweepIntervalMs",
    env: "MCP_MESH_SWEEP_INTERVAL",
    default: "5m",
    help: "How often the retention sweep runs (Go duration)",
    parse: duration,
  },
  {
    key: "eventMaxRows",
    env: "MCP_MESH_EVENT_MAX_ROWS",
    default: "100000",
    help: "Keep at most this many events (0 = unlimited)",
    parse: count,
  },
  {
    key: "proxyTimeoutMs",
    env: "MCP_MESH_PROXY_TIMEOUT",
    default: "60",
    help: "Default /proxy timeout in seconds (cap 600)",
    parse: (v) => Math.min(seconds(v), 600_000),
  },
  {
    key: "propagateHeaders",
    env: "MCP_MESH_PROPAGATE_HEADERS",
    default: "",
    help: "Extra headers /proxy forwards (names or prefix*)",
    parse: list,
  },
  {
    key: "logLevel",
    env: "MCP_MESH_LOG_LEVEL",
    default: "info",
    help: "trace|debug|info|warn (warning)|error|fatal",
    parse: level,
  },
  {
    key: "heapGrowthPercent",
    env: "MCP_MESH_REGISTRY_HEAP_GROWTH",
    default: "25",
    help: "How far (%) the V8 heap may grow past the live data before a full GC (0 = V8 default)",
    parse: count,
  },
  {
    key: "youngGenerationMb",
    env: "MCP_MESH_REGISTRY_YOUNG_GEN_MB",
    default: "8",
    help: "Cap on V8's young generation in MB (0 = V8 default, up to 33 MB)",
    parse: count,
  },
  {
    key: "leanHeapMb",
    env: "MCP_MESH_REGISTRY_LEAN_HEAP_MB",
    default: "100",
    help: "The two heap settings above hold while the live heap is below this many MB; above, V8 defaults (0 = always)",
    parse: count,
  },
  {
    key: "maxAlternatives",
    env: "MCP_MESH_MAX_ALTERNATIVES",
    default: "8",
    help: "Alternatives listed per resolved dependency (0 = off)",
    parse: count,
  },
  {
    key: "watchGraceMs",
    env: "MCP_MESH_WATCH_GRACE",
    default: "3",
    help: "Seconds after a /watch stream drops before a silent agent is unhealthy (0 = never)",
    parse: seconds,
  },
  {
    key: "watchKeepaliveMs",
    env: "MCP_MESH_WATCH_KEEPALIVE",
    default: "10",
    help: "Seconds between keep-alive comments on /watch",
    parse: seconds,
  },
  {
    key: "bodyLimitBytes",
    env: "MCP_MESH_BODY_LIMIT",
    default: "4194304",
    help: "Largest accepted request body in bytes (413 beyond)",
    parse: count,
  },
  {
    key: "requestTimeoutMs",
    env: "MCP_MESH_REQUEST_TIMEOUT",
    default: "30",
    help: "Seconds a client has to send a whole request, headers and body (408 beyond)",
    parse: (v) => positiveNonZero(seconds(v)),
  },
  {
    key: "maxConnections",
    env: "MCP_MESH_MAX_CONNECTIONS",
    default: "10000",
    help: "Open connections accepted at once (each /watch stream holds one); more are closed",
    parse: (v) => positiveNonZero(count(v)),
  },
  {
    key: "registryTokens",
    env: "MCP_MESH_REGISTRY_TOKEN",
    default: "",
    help: "Bearer token(s), comma separated, required on every request but the probes (docs/security.md)",
    parse: (v) =>
      v
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
  },
  {
    key: "tokensFile",
    env: "MCP_MESH_REGISTRY_TOKENS_FILE",
    default: "",
    help: "YAML (or JSON) file of tokens with names and capability scopes; re-read on change or SIGHUP",
    parse: (v) => v,
  },
  {
    key: "publicRead",
    env: "MCP_MESH_REGISTRY_PUBLIC_READ",
    default: "false",
    help: "With tokens set, let GET /agents, /events, /trace, /schemas, /ui be read without one",
    parse: bool,
  },
  {
    key: "protectMetrics",
    env: "MCP_MESH_REGISTRY_PROTECT_METRICS",
    default: "false",
    help: "With tokens set, /metrics needs a token too",
    parse: bool,
  },
  {
    key: "writeRate",
    env: "MCP_MESH_REGISTRY_WRITE_RATE",
    default: "100",
    help: "Writes a second allowed per credential when tokens are set (agents sharing a token share it); 0 = unlimited",
    // Fractions allowed (0.1 = one write every 10 s), so not rounded like the counts.
    parse: (v) => positive(v, 1000) / 1000,
  },
  {
    key: "writeBurst",
    env: "MCP_MESH_REGISTRY_WRITE_BURST",
    default: "500",
    help: "Writes a credential may send at once before the rate applies (429 beyond)",
    parse: (v) => positiveNonZero(count(v)),
  },
  {
    key: "jwksUrl",
    env: "MCP_MESH_REGISTRY_JWKS_URL",
    default: "",
    help: "Accept JWT bearer tokens signed by a key of this JWKS (turns auth on)",
    parse: (v) => {
      if (v && !/^https?:\/\//.test(v)) throw new Error("must be an http(s) URL");
      return v;
    },
  },
  {
    key: "jwtIssuer",
    env: "MCP_MESH_REGISTRY_JWT_ISSUER",
    default: "",
    help: "Required `iss` of JWT tokens",
    parse: (v) => v,
  },
  {
    key: "jwtAudience",
    env: "MCP_MESH_REGISTRY_JWT_AUDIENCE",
    default: "",
    help: "Required `aud` of JWT tokens",
    parse: (v) => v,
  },
  {
    key: "distributedTracing",
    env: "MCP_MESH_DISTRIBUTED_TRACING_ENABLED",
    default: "false",
    help: "true: assemble traces from Redis mesh:trace (GET /trace/{id}, /traces, /traces/stream)",
    parse: (v) => (/^(true|1|yes)$/i.test(v) ? "true" : "false"),
  },
  {
    key: "redisUrl",
    env: "REDIS_URL",
    default: "redis://localhost:6379",
    help: "Redis with mesh:trace",
    parse: (v) => v,
  },
  {
    key: "tlsMode",
    env: "MCP_MESH_TLS_MODE",
    default: "",
    help: "off|auto|strict: HTTPS, with client certificates checked (auto) or required (strict); auto when a cert and key are set",
    // Resolved against the certificate settings once all are read (loadConfig).
    parse: (v) => {
      if (tlsModeOf(v, false) === undefined) throw new Error("must be off, auto or strict");
      return v.toLowerCase();
    },
  },
  {
    key: "tlsCert",
    env: "MCP_MESH_TLS_CERT",
    default: "",
    help: "PEM certificate to serve HTTPS with",
    parse: (v) => v,
  },
  { key: "tlsKey", env: "MCP_MESH_TLS_KEY", default: "", help: "PEM private key of that certificate", parse: (v) => v },
  {
    key: "tlsCa",
    env: "MCP_MESH_TLS_CA",
    default: "",
    help: "PEM CA: client certificates it signed identify agents (mTLS); also trusted by /proxy",
    parse: (v) => v,
  },
];

export type ConfigResult = { ok: true; config: RegistryConfig } | { ok: false; problems: string[] } | { help: true };

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): ConfigResult {
  let flags: { host?: string; port?: string; help?: boolean };
  try {
    flags = parseArgs({
      args: argv,
      options: {
        host: { type: "string", short: "H" },
        port: { type: "string", short: "p" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  }
  if (flags.help) return { help: true };
  const problems: string[] = [];
  const config: Partial<Record<keyof RegistryConfig, unknown>> = {};
  for (const s of SETTINGS) {
    const fromFlag = s.key === "host" ? flags.host : s.key === "port" ? flags.port : undefined;
    const raw = fromFlag ?? env[s.env] ?? s.default;
    try {
      config[s.key] = s.parse(raw.trim());
    } catch (e) {
      problems.push(`${s.env}=${JSON.stringify(raw)}: ${(e as Error).message}`);
    }
  }
  // Same truthy spellings as the agent SDK reads (1/true/yes/on), so one env file serves both.
  const debug = env.MCP_MESH_DEBUG_MODE?.trim().toLowerCase();
  if (debug && ["1", "true", "yes", "on"].includes(debug) && !env.MCP_MESH_LOG_LEVEL) config.logLevel = "debug";
  problems.push(...resolveTls(config));
  return problems.length ? { ok: false, problems } : { ok: true, config: config as unknown as RegistryConfig };
}

export function helpText(): string {
  const rows = SETTINGS.map((s) => `  ${s.env.padEnd(28)} ${s.help} (default ${s.default || "none"})`);
  return [
    "Usage: mcp-mesh-registry [--host HOST] [--port PORT]",
    "",
    "MCP Mesh registry (wire-compatible with MCP Mesh 3.7.1).",
    "",
    "Environment:",
    ...rows,
    "",
  ].join("\n");
}

/** The TLS mode in force, and what it lacks: a mode without a certificate cannot serve HTTPS. */
function resolveTls(config: Partial<Record<keyof RegistryConfig, unknown>>): string[] {
  const cert = String(config.tlsCert ?? "");
  const key = String(config.tlsKey ?? "");
  const mode = tlsModeOf(String(config.tlsMode ?? ""), cert !== "" && key !== "") ?? "off";
  config.tlsMode = mode;
  if (mode === "off") return [];
  const problems: string[] = [];
  if (!cert || !key) problems.push(`MCP_MESH_TLS_MODE=${mode}: set MCP_MESH_TLS_CERT and MCP_MESH_TLS_KEY (PEM files)`);
  if (mode === "strict" && !config.tlsCa)
    problems.push("MCP_MESH_TLS_MODE=strict: set MCP_MESH_TLS_CA, the CA that client certificates must be signed by");
  return problems;
}
