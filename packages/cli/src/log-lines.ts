// Agents (our SDK) and the embedded registry log pino JSON lines. People want to read them:
// "INFO  agent started url=http://..." instead of a JSON object. Anything that is not pino JSON
// passes through untouched. The agent id on the first line tells meshctl which registered
// agent a process is.

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const HIDDEN = new Set(["level", "time", "pid", "hostname", "msg", "agent_id", "service", "v"]);

export interface LogLine {
  text: string;
  level?: string;
  /** pino epoch ms, when the line had one. */
  time?: number;
  agentId?: string;
  /**
   * Set when the SDK says it listens elsewhere than asked: its warn line `requested port <N> is
   * busy; listening on <M> instead` (or `is the registry's port`), fields requested_port, port.
   */
  portMoved?: string;
}

export function parseLogLine(line: string): LogLine {
  if (!line.startsWith("{")) return { text: line };
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { text: line };
  }
  if (typeof obj.level !== "number" || typeof obj.msg !== "string") return { text: line };
  const extra = Object.entries(obj)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(errorSummary(v))}`);
  const level = LEVELS[obj.level] ?? String(obj.level);
  return {
    text: [obj.msg, ...extra].join(" "),
    level,
    ...(typeof obj.time === "number" && { time: obj.time }),
    ...(typeof obj.agent_id === "string" && { agentId: obj.agent_id }),
    ...(typeof obj.requested_port === "number" &&
      typeof obj.port === "number" &&
      obj.requested_port !== obj.port && {
        portMoved: obj.msg.startsWith("requested port")
          ? obj.msg
          : `requested port ${obj.requested_port} is busy; listening on ${obj.port} instead`,
      }),
  };
}

/** pino serialises errors with their stack; one line of log wants the message. */
function errorSummary(v: unknown): unknown {
  if (v && typeof v === "object" && "message" in v && "stack" in v) return (v as { message: unknown }).message;
  return v;
}
