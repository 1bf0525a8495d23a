// The baseline for bench/sdk-calls.mjs: a plain official MCP SDK v2 server, in the stateless
// streamable-HTTP shape the @modelcontextprotocol/node README shows for plain `node:http` (Host
// and Origin guards, then a new McpServer and a NodeStreamableHTTPServerTransport with
// `sessionIdGenerator: undefined` per request), serving the same trivial tool as the mesh
// provider. PLAIN_DEPS_DIR is where bench/sdk-calls.mjs installed the packages.
// Prints "READY <url>".
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";

const dir = process.env.PLAIN_DEPS_DIR;
if (!dir) throw new Error("PLAIN_DEPS_DIR is not set");
const { McpServer } = await import(esmEntry(dir, "@modelcontextprotocol/server"));
const { localhostHostValidation, localhostOriginValidation, NodeStreamableHTTPServerTransport } = await import(
  esmEntry(dir, "@modelcontextprotocol/node")
);

const validateHost = localhostHostValidation();
const validateOrigin = localhostOriginValidation();

const http = createServer(async (req, res) => {
  if (!validateHost(req, res) || !validateOrigin(req, res)) return;
  const server = new McpServer({ name: "plain-server", version: "1.0.0" });
  server.registerTool(
    "get_date",
    { description: "Returns the date", inputSchema: z.object({ tz: z.string().default("UTC") }) },
    async ({ tz }) => ({ content: [{ type: "text", text: `date:${tz}` }] }),
  );
  const transport = new NodeStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  await server.connect(transport);
  await transport.handleRequest(req, res);
});
http.listen(0, "127.0.0.1", () => console.log(`READY http://127.0.0.1:${http.address().port}/mcp`));
process.on("SIGTERM", () => process.exit(0));

/** The ESM entry of `pkg` installed under `base`/node_modules, as a file URL. */
function esmEntry(base, pkg) {
  const pkgDir = join(base, "node_modules", pkg);
  const exp = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).exports["."];
  return pathToFileURL(join(pkgDir, exp.import?.default ?? exp.import ?? exp.default)).href;
}
