// The mcp-mesh-registry binary: configuration from flags and environment, embedded SQLite or
// PostgreSQL (DATABASE_URL), graceful shutdown on SIGINT/SIGTERM.
import { MESH_VERSION, safeDatabaseUrl } from "@mcp-mesh/protocol";
import { createRegistry } from "./app.js";
import { helpText, loadConfig } from "./config.js";
import { tuneHeap } from "./heap-tuning.js";
import { openStore } from "./store/open-store.js";

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv[0] === "--version" || argv[0] === "-v") {
    process.stdout.write(
      `mcp-mesh-registry ${MESH_VERSION} (MCP Mesh for TypeScript; wire-compatible with MCP Mesh 3.7.1)\n`,
    );
    return 0;
  }
  const parsed = loadConfig(argv, env);
  if ("help" in parsed) {
    process.stdout.write(helpText());
    return 0;
  }
  if (!parsed.ok) {
    process.stderr.write(
      `mcp-mesh-registry: invalid configuration:\n${parsed.problems.map((p) => `  - ${p}`).join("\n")}\n`,
    );
    return 2;
  }
  const config = parsed.config;
  tuneHeap(config);
  let store: Awaited<ReturnType<typeof openStore>>;
  try {
    store = await openStore(config.databaseUrl);
  } catch (e) {
    process.stderr.write(
      `mcp-mesh-registry: cannot open database ${safeDatabaseUrl(config.databaseUrl)}: ${(e as Error).message}\n`,
    );
    return 1;
  }
  let registry: Awaited<ReturnType<typeof createRegistry>>;
  try {
    registry = await createRegistry({ store, config });
  } catch (e) {
    // Bad TLS settings (exit 2, a configuration problem) or a database that failed its
    // migrations after answering the first query.
    await store.close().catch(() => {});
    process.stderr.write(`mcp-mesh-registry: ${(e as Error).message}\n`);
    return 2;
  }
  const log = registry.app.log;
  try {
    const url = await registry.listen();
    log.info(
      { url, version: MESH_VERSION, database: safeDatabaseUrl(config.databaseUrl), agents: registry.core.agentCount },
      "registry listening",
    );
  } catch (e) {
    process.stderr.write(
      `mcp-mesh-registry: cannot listen on ${config.host}:${config.port}: ${(e as Error).message}\n`,
    );
    await registry.close();
    return 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, "shutting down");
      registry.close().then(resolve, resolve);
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  return 0;
}
