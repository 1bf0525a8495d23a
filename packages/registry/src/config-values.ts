// Parsers for the registry's settings (config.ts): each takes the raw text of a flag or an
// environment variable and returns its value, or throws a message loadConfig reports.

export const seconds = (raw: string) => positive(raw, 1000);
export const count = (raw: string) => positive(raw, 1);

export function positive(raw: string, scale: number): number {
  const n = Number(raw);
  if (raw === "" || !Number.isFinite(n) || n < 0) throw new Error("must be a non-negative number");
  return Math.round(n * scale);
}

export function positiveNonZero(n: number): number {
  if (n <= 0) throw new Error("must be greater than 0");
  return n;
}

export function port(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error("must be a port number 0-65535");
  return n;
}

export function bool(raw: string): boolean {
  const v = raw.toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["", "0", "false", "no", "off"].includes(v)) return false;
  throw new Error("must be true or false");
}

export function list(raw: string): string[] {
  return raw
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

export function level(raw: string): string {
  const l = raw.toLowerCase();
  if (!["trace", "debug", "info", "warn", "warning", "error", "fatal"].includes(l))
    throw new Error("unknown log level");
  return l === "warning" ? "warn" : l;
}

/** Go duration ("1h", "5m30s", "250ms"); a bare number means seconds. */
export function duration(raw: string): number {
  if (/^\d+(\.\d+)?$/.test(raw)) return Number(raw) * 1000;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    total += Number(m[1]) * (units[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (pos !== raw.length || raw === "") throw new Error("must be a duration like 30s, 5m or 1h");
  return Math.round(total);
}
