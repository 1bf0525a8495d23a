// The registry credential every registry request carries: MCP_MESH_REGISTRY_TOKEN, read at call
// time so a rotated token in the environment of a long-running process is never cached stale.

/** `{ authorization: "Bearer …" }` when MCP_MESH_REGISTRY_TOKEN is set, else nothing. */
export function registryAuthHeaders(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const token = env.MCP_MESH_REGISTRY_TOKEN?.split(",")[0]?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}
