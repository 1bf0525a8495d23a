// A small real MCP server built on the official TypeScript SDK, used as a registered agent in
// interop tests. It serves stateless streamable HTTP at /mcp (a fresh Server + transport per
// request, the SDK's recommended stateless pattern), so it answers `tools/call` without a prior
// `initialize` — exactly how meshctl and mesh agents call tools (PROTOCOL.md §4.1).
// It runs inside the test process; close() shuts it down.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export const ECHO_UPPER_INPUT_SCHEMA = {
  type: "object",
  properties: { text: { type: "string", description: "Text to upper-case" } },
  required: ["text"],
} as const;

export interface McpTestServer {
  port: number;
  /** Number of HTTP requests that reached /mcp (to prove calls really arrived here). */
  requestCount(): number;
  close(): Promise<void>;
}

function buildMcpServer(): Server {
  const server = new Server({ name: "echo-agent", version: "1.0.0" }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: [
      {
        name: "echo_upper",
        description: "Returns the text upper-cased",
        inputSchema: ECHO_UPPER_INPUT_SCHEMA as unknown as { type: "object" },
      },
    ],
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    if (request.params.name !== "echo_upper") {
      return { content: [{ type: "text", text: `unknown tool ${request.params.name}` }], isError: true };
    }
    // Mesh callers add reserved arguments (_trace_id, _parent_span, _mesh_headers); only read `text`.
    const text = String(request.params.arguments?.text ?? "");
    return { content: [{ type: "text", text: text.toUpperCase() }] };
  });
  return server;
}

export async function startMcpTestServer(): Promise<McpTestServer> {
  let requests = 0;
  const httpServer: HttpServer = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/mcp" && !path?.startsWith("/mcp/")) {
      res.writeHead(404).end("not found");
      return;
    }
    requests++;
    const server = buildMcpServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  return {
    port,
    requestCount: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
