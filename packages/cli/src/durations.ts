// Short human durations for tables ("5s", "3m", "2h", "4d") and the reverse for --since-like
// flags. Pure: callers pass `now`.

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Age of an RFC3339 timestamp at `now`; "-" when absent or unparseable. */
export function ageOf(timestamp: string | undefined, now: number): string {
  if (!timestamp) return "-";
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? "-" : formatAge(now - t);
}

/** Local wall-clock time of day for event lines: the date only when it is not today. */
export function clockTime(timestamp: string, now: number): string {
  const d = new Date(timestamp);
  if (Number.isNaN(d.getTime())) return timestamp;
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const today = new Date(now).toDateString() === d.toDateString();
  return today ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}
