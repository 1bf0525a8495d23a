// An agent implementing the tools the official MCP conformance suite's server scenarios call
// (`npx @modelcontextprotocol/conformance server --url <agent>/mcp`). Mesh tools (`agent.tool`)
// where the SDK covers the feature — content of every kind, errors, log messages and progress
// through the handler's `ctx` — and the official SDK server (`agent.server`) for server-to-client
// requests (sampling, elicitation).
//
//   MCP_MESH_STANDALONE=true HOST=127.0.0.1 node examples/conformance/agent.mjs
//
// Prints "READY <url> <agent id>" once serving.
import { mesh, rawResult } from "@mcp-mesh/sdk";
import { z } from "zod";

const agent = mesh.agent({ name: "conformance", httpPort: 0 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A 1×1 red PNG, and a WAV of eight silent 8-bit samples.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = wav(new Uint8Array(8).fill(128), 8000);

agent.tool({
  name: "test_simple_text",
  description: "Returns a simple text response",
  handler: () => "This is a simple text response for testing.",
});

agent.tool({
  name: "test_image_content",
  description: "Returns a 1x1 PNG image",
  handler: () => rawResult({ content: [{ type: "image", data: PNG, mimeType: "image/png" }] }),
});

agent.tool({
  name: "test_audio_content",
  description: "Returns a short WAV clip",
  handler: () => rawResult({ content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }),
});

agent.tool({
  name: "test_embedded_resource",
  description: "Returns an embedded text resource",
  handler: () =>
    rawResult({
      content: [
        {
          type: "resource",
          resource: {
            uri: "test://embedded-resource",
            mimeType: "text/plain",
            text: "This is an embedded resource content.",
          },
        },
      ],
    }),
});

agent.tool({
  name: "test_multiple_content_types",
  description: "Returns text, an image and a resource",
  handler: () =>
    rawResult({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: PNG, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: JSON.stringify({ test: "data", value: 123 }),
          },
        },
      ],
    }),
});

agent.tool({
  name: "test_tool_with_logging",
  description: "Sends three log messages while it runs",
  async handler(_args, _deps, ctx) {
    await ctx.log("info", "Tool execution started");
    await sleep(50);
    await ctx.log("info", "Tool processing data");
    await sleep(50);
    await ctx.log("info", "Tool execution completed");
    return "Logging test completed";
  },
});

agent.tool({
  name: "test_error_handling",
  description: "Always fails",
  handler: () => {
    throw new Error("This tool intentionally returns an error for testing");
  },
});

agent.tool({
  name: "test_tool_with_progress",
  description: "Reports progress 0, 50 and 100 of 100",
  async handler(_args, _deps, ctx) {
    await ctx.progress(0, 100);
    await sleep(50);
    await ctx.progress(50, 100);
    await sleep(50);
    await ctx.progress(100, 100);
    return "Progress test completed";
  },
});

// Server-to-client requests: the official SDK's handler context, on the agent's McpServer.
agent.server.registerTool(
  "test_sampling",
  { description: "Asks the client's LLM", inputSchema: z.object({ prompt: z.string() }) },
  async ({ prompt }, ctx) => {
    const result = await ctx.mcpReq.requestSampling({
      messages: [{ role: "user", content: { type: "text", text: prompt } }],
      maxTokens: 100,
    });
    const first = Array.isArray(result.content) ? result.content[0] : result.content;
    const text = first?.type === "text" ? first.text : JSON.stringify(result.content);
    return { content: [{ type: "text", text: `LLM response: ${text}` }] };
  },
);

agent.server.registerTool(
  "test_elicitation",
  { description: "Asks the user for a name and an email", inputSchema: z.object({ message: z.string() }) },
  async ({ message }, ctx) => {
    const result = await ctx.mcpReq.elicitInput({
      message,
      requestedSchema: {
        type: "object",
        properties: {
          username: { type: "string", description: "User's response" },
          email: { type: "string", description: "User's email address" },
        },
        required: ["username", "email"],
      },
    });
    return {
      content: [{ type: "text", text: `User response: ${result.action} ${JSON.stringify(result.content ?? {})}` }],
    };
  },
);

agent.start().then((h) => console.log(`READY ${h.url} ${h.agentId}`));

/** A mono PCM WAV file of 8-bit `samples`, base64. */
function wav(samples, rate) {
  const b = Buffer.alloc(44 + samples.length);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + samples.length, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16); // fmt chunk size
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate, 28); // bytes per second
  b.writeUInt16LE(1, 32); // block align
  b.writeUInt16LE(8, 34); // bits per sample
  b.write("data", 36);
  b.writeUInt32LE(samples.length, 40);
  b.set(samples, 44);
  return b.toString("base64");
}
