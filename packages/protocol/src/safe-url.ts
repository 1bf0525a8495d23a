// URLs as they may be logged or shown: userinfo is a credential (`postgres://mesh:pw@db/mesh`,
// `redis://:pw@cache`, `http://user:pw@registry`), so logs and errors never carry it. One rule for
// every package: the agent's logger and the registry's start-up lines use the same function.

/** A URL without its password (and user), for logs and errors. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = u.password ? "***" : u.username;
    u.password = "";
    return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
  } catch {
    return "(unparseable URL)";
  }
}

/** A DATABASE_URL for logs: a `scheme://` URL without its password, a plain file path as it is. */
export function safeDatabaseUrl(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? safeUrl(value) : value;
}
