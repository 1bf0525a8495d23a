// Agent configuration: environment (MCP_MESH_*, PROTOCOL.md §5.1) beats code, code beats
// defaults. Parsed once at start; every problem is collected and reported together.
import { AGENT_ID_PATTERN, ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { AgentOptions } from "./types.js";

export interface AgentConfig {
  name: string;
  /** Full agent id override (MCP_MESH_AGENT_ID); otherwise `<name>-<8 hex>`. */
  agentId: string | undefined;
  version: string;
  description: string | undefined;
  namespace: string;
  tags: string[];
  httpPort: number;
  /** Announced host; undefined = auto-detect. */
  httpHost: string | undefined;
  bindHost: string;
  registryUrl: string;
  /** False when MCP_MESH_STANDALONE=true: a plain MCP server, no registry traffic. */
  registryEnabled: boolean;
  heartbeatIntervalMs: number;
  settleTimeoutMs: number;
  /** Value of X-Mesh-Timeout when a dependency declares none (MCP_MESH_CALL_TIMEOUT), ms. */
  callTimeoutMs: number;
  propagateHeaders: string[];
  watch: boolean;
  autoRun: boolean;
  handleSignals: boolean;
  logLevel: string;
}

type Env = Record<string, string | undefined>;

const LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** Reads options and environment; problems are returned, not thrown, so callers can add theirs. */
export function parseAgentConfig(
  opts: AgentOptions,
  env: Env = process.env,
): { config: AgentConfig; problems: string[] } {
  const problems: string[] = [];
  const pick = (key: string): string | undefined => {
    const v = env[key];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const num = (key: string, fromCode: number | undefined, fallback: number, check: (n: number) => boolean) => {
    const raw = pick(key);
    const value = raw !== undefined ? Number(raw) : (fromCode ?? fallback);
    if (!Number.isFinite(value) || !check(value)) {
      problems.push(`${raw !== undefined ? key : "option"} = ${raw ?? fromCode}: not a valid value`);
      return fallback;
    }
    return value;
  };
  const bool = (key: string, fromCode: boolean | undefined, fallback: boolean) => {
    const raw = pick(key)?.toLowerCase();
    if (raw === undefined) return fromCode ?? fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    problems.push(`${key} = ${raw}: expected true or false`);
    return fallback;
  };

  const name = pick("MCP_MESH_AGENT_NAME") ?? opts.name;
  if (!name || !AGENT_ID_PATTERN.test(name) || name.length > 63)
    problems.push(`name "${name}": use lowercase letters, digits and hyphens (at most 63)`);
  const agentId = pick("MCP_MESH_AGENT_ID");
  if (agentId !== undefined && (!AGENT_ID_PATTERN.test(agentId) || agentId.length > 253))
    problems.push(`MCP_MESH_AGENT_ID "${agentId}": use lowercase letters, digits and hyphens`);
  const namespace = pick("MCP_MESH_NAMESPACE") ?? opts.namespace ?? "default";
  if (!AGENT_ID_PATTERN.test(namespace))
    problems.push(`namespace "${namespace}": use lowercase letters, digits and hyphens`);
  const httpPort = num("MCP_MESH_HTTP_PORT", opts.httpPort, 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65535);
  const heartbeat = num("MCP_MESH_HEALTH_INTERVAL", opts.heartbeatInterval, 5, (n) => n > 0 && n <= 3600);
  const settle = num("MCP_MESH_SETTLE_TIMEOUT", opts.settleTimeout, 5, (n) => n >= 0 && n <= 600);
  const callTimeout = num("MCP_MESH_CALL_TIMEOUT", undefined, 30, (n) => n > 0 && n <= 3600);
  const registryUrl = (pick("MCP_MESH_REGISTRY_URL") ?? opts.registryUrl ?? "http://localhost:8000").replace(
    /\/+$/,
    "",
  );
  try {
    const u = new URL(registryUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
  } catch {
    problems.push(`MCP_MESH_REGISTRY_URL "${registryUrl}": not an http(s) URL`);
  }
  const debug = bool("MCP_MESH_DEBUG_MODE", undefined, false);
  const logLevel = (pick("MCP_MESH_LOG_LEVEL") ?? opts.logLevel ?? (debug ? "debug" : "info")).toLowerCase();
  if (!LEVELS.includes(logLevel)) problems.push(`MCP_MESH_LOG_LEVEL "${logLevel}": one of ${LEVELS.join(", ")}`);
  const version = opts.version ?? "1.0.0";
  const config: AgentConfig = {
    name,
    agentId,
    version,
    description: opts.description,
    namespace,
    tags: [...(opts.tags ?? [])],
    httpPort,
    httpHost: pick("MCP_MESH_HTTP_HOST") ?? opts.httpHost,
    bindHost: pick("HOST") ?? opts.bindHost ?? "0.0.0.0",
    registryUrl,
    registryEnabled: !bool("MCP_MESH_STANDALONE", opts.standalone, false),
    heartbeatIntervalMs: heartbeat * 1000,
    settleTimeoutMs: settle * 1000,
    callTimeoutMs: callTimeout * 1000,
    propagateHeaders: (pick("MCP_MESH_PROPAGATE_HEADERS") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    watch: opts.watch ?? true,
    autoRun: bool("MCP_MESH_AUTO_RUN", opts.autoRun, true),
    handleSignals: opts.handleSignals ?? true,
    logLevel,
  };
  return { config, problems };
}

export function configError(agentName: string, problems: string[]): MeshError {
  return new MeshError(
    ErrorCodes.CONFIG_INVALID,
    `invalid configuration for agent "${agentName}":\n  ${problems.join("\n  ")}`,
    { problems },
  );
}
