// The header allow-list rule (MCP_MESH_PROPAGATE_HEADERS, PROTOCOL.md §6.1), used by the
// registry's /proxy, an agent's inbound /mcp and its outbound proxies: an entry is an exact
// header name, or a prefix ending in `*` ("x-tenant-*"). HTTP header names ignore case.

/** True when header `name` is allowed by one of `rules`. */
export function matchesHeaderRule(name: string, rules: readonly string[]): boolean {
  if (rules.length === 0) return false;
  const n = name.toLowerCase();
  for (const rule of rules) {
    const r = rule.toLowerCase();
    if (r.endsWith("*") ? n.startsWith(r.slice(0, -1)) : n === r) return true;
  }
  return false;
}
