// Agent configuration: environment (MCP_MESH_*, PROTOCOL.md §5.1) beats code, code beats
// defaults. Parsed once at start; every problem is collected and reported together.
import { AGENT_ID_PATTERN, ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { parseTlsSettings, type TlsSettings } from "./tls.js";
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
  /** The first of `registryUrls`: where the agent starts. */
  registryUrl: string;
  /** Every registry the agent may use, in order (MCP_MESH_REGISTRY_URL comma-separated). */
  registryUrls: string[];
  /** False when MCP_MESH_STANDALONE=true: a plain MCP server, no registry traffic. */
  registryEnabled: boolean;
  heartbeatIntervalMs: number;
  settleTimeoutMs: number;
  /** Value of X-Mesh-Timeout when a dependency declares none (MCP_MESH_CALL_TIMEOUT), ms. */
  callTimeoutMs: number;
  propagateHeaders: string[];
  /** Sent as `Authorization: Bearer` on dependency calls unless a propagated or declared header wins (MCP_MESH_AGENT_TOKEN). */
  agentToken: string | undefined;
  watch: boolean;
  autoRun: boolean;
  handleSignals: boolean;
  logLevel: string;
  /** MCP_MESH_TLS_MODE/_CERT/_KEY/_CA or the `tls` option: file paths, read at start (tls.ts). */
  tls: TlsSettings;
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
  // Every problem names the option as written in code and, when the value came from the
  // environment, the variable it came from: "httpPort = 99999 (from MCP_MESH_HTTP_PORT): ...".
  const problem = (option: string | undefined, key: string | undefined, value: unknown, why: string) => {
    const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
    const name = option ?? key ?? "option";
    const source = key !== undefined && option !== undefined ? ` (from ${key})` : "";
    problems.push(`${name} = ${shown}${source}: ${why}`);
  };
  const num = (
    option: string | undefined,
    key: string,
    fromCode: number | undefined,
    fallback: number,
    check: (n: number) => boolean,
    expected: string,
  ) => {
    const raw = pick(key);
    const value = raw !== undefined ? Number(raw) : (fromCode ?? fallback);
    if (!Number.isFinite(value) || !check(value)) {
      if (raw !== undefined) problem(option, key, raw, expected);
      else problem(option, undefined, fromCode, expected);
      return fallback;
    }
    return value;
  };
  const bool = (option: string | undefined, key: string, fromCode: boolean | undefined, fallback: boolean) => {
    const raw = pick(key)?.toLowerCase();
    if (raw === undefined) return fromCode ?? fallback;
    if (["1", "true", "yes", "on"].includes(raw)) return true;
    if (["0", "false", "no", "off"].includes(raw)) return false;
    problem(option, key, raw, "expected true or false");
    return fallback;
  };
  /** A string option: the env value, else the code value; `key` is kept to name the source. */
  const str = (key: string, fromCode: string | undefined) => {
    const raw = pick(key);
    return { value: raw ?? fromCode, key: raw !== undefined ? key : undefined };
  };

  const nameIn = str("MCP_MESH_AGENT_NAME", opts.name);
  const name = nameIn.value as string;
  if (!name || !AGENT_ID_PATTERN.test(name) || name.length > 63)
    problem("name", nameIn.key, name, "use lowercase letters, digits and hyphens (at most 63)");
  const agentId = pick("MCP_MESH_AGENT_ID");
  if (agentId !== undefined && (!AGENT_ID_PATTERN.test(agentId) || agentId.length > 253))
    problem(undefined, "MCP_MESH_AGENT_ID", agentId, "use lowercase letters, digits and hyphens");
  const nsIn = str("MCP_MESH_NAMESPACE", opts.namespace);
  const namespace = nsIn.value ?? "default";
  if (!AGENT_ID_PATTERN.test(namespace))
    problem("namespace", nsIn.key, namespace, "use lowercase letters, digits and hyphens");
  const httpPort = num(
    "httpPort",
    "MCP_MESH_HTTP_PORT",
    opts.httpPort,
    0,
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    "must be a whole number from 0 to 65535 (0 = any free port)",
  );
  const heartbeat = num(
    "heartbeatInterval",
    "MCP_MESH_HEALTH_INTERVAL",
    opts.heartbeatInterval,
    5,
    (n) => n > 0 && n <= 3600,
    "must be seconds, more than 0 and at most 3600",
  );
  const settle = num(
    "settleTimeout",
    "MCP_MESH_SETTLE_TIMEOUT",
    opts.settleTimeout,
    5,
    (n) => n >= 0 && n <= 600,
    "must be seconds, from 0 to 600",
  );
  const callTimeout = num(
    undefined,
    "MCP_MESH_CALL_TIMEOUT",
    undefined,
    30,
    (n) => n > 0 && n <= 3600,
    "must be seconds, more than 0 and at most 3600",
  );
  const urlRaw = pick("MCP_MESH_REGISTRY_URL");
  const urlFromCode = typeof opts.registryUrl === "string" ? opts.registryUrl : opts.registryUrl?.join(",");
  const urls = parseRegistryUrls(urlRaw ?? opts.registryUrl ?? DEFAULT_REGISTRY_URL);
  for (const why of urls.problems)
    problem("registryUrl", urlRaw !== undefined ? "MCP_MESH_REGISTRY_URL" : undefined, urlRaw ?? urlFromCode, why);
  const registryUrls = urls.urls.length > 0 ? urls.urls : [DEFAULT_REGISTRY_URL];
  const debug = bool(undefined, "MCP_MESH_DEBUG_MODE", undefined, false);
  const levelIn = str("MCP_MESH_LOG_LEVEL", opts.logLevel);
  const logLevel = (levelIn.value ?? (debug ? "debug" : "info")).toLowerCase();
  if (!LEVELS.includes(logLevel)) problem("logLevel", levelIn.key, logLevel, `one of ${LEVELS.join(", ")}`);
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
    registryUrl: registryUrls[0] as string,
    registryUrls,
    registryEnabled: !bool("standalone", "MCP_MESH_STANDALONE", opts.standalone, false),
    heartbeatIntervalMs: heartbeat * 1000,
    settleTimeoutMs: settle * 1000,
    callTimeoutMs: callTimeout * 1000,
    propagateHeaders: (pick("MCP_MESH_PROPAGATE_HEADERS") ?? "")
      .split(",")
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    agentToken: pick("MCP_MESH_AGENT_TOKEN") ?? opts.agentToken,
    watch: opts.watch ?? true,
    autoRun: bool("autoRun", "MCP_MESH_AUTO_RUN", opts.autoRun, true),
    handleSignals: opts.handleSignals ?? true,
    logLevel,
    tls: parseTlsSettings(env, opts.tls, problems),
  };
  return { config, problems };
}

const DEFAULT_REGISTRY_URL = "http://localhost:8000";

/**
 * Several registries (replicas, or a fallback) as one comma-separated string or a list; each
 * entry must be an http(s) URL, and a problem names the entry that is not. A trailing `/` is
 * dropped and a URL given twice counts once.
 */
export function parseRegistryUrls(raw: string | readonly string[]): { urls: string[]; problems: string[] } {
  const entries = (typeof raw === "string" ? raw.split(",") : [...raw]).map((e) => e.trim());
  const problems: string[] = entries.length === 0 ? ["no registry URL given"] : [];
  const urls: string[] = [];
  entries.forEach((entry, i) => {
    const which = entries.length > 1 ? `entry ${i + 1} ` : "";
    if (entry === "") {
      if (entries.length > 1) problems.push(`${which}is empty (give URLs separated by commas)`);
      else problems.push("no registry URL given");
      return;
    }
    const url = entry.replace(/\/+$/, "");
    let ok = false;
    try {
      const u = new URL(url);
      ok = u.protocol === "http:" || u.protocol === "https:";
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push(
        entries.length > 1 ? `${which}${JSON.stringify(entry)} is not an http(s) URL` : "not an http(s) URL",
      );
    else if (!urls.includes(url)) urls.push(url);
  });
  return { urls, problems };
}

export function configError(agentName: string, problems: string[]): MeshError {
  return new MeshError(
    ErrorCodes.CONFIG_INVALID,
    `invalid configuration for agent "${agentName}":\n  ${problems.join("\n  ")}`,
    { problems },
  );
}
