import { describe, expect, it } from "vitest";
import { readTools, toModelMessages } from "./messages.js";

describe("wire messages to the AI SDK", () => {
  it("keeps a multi-turn conversation: media parts, assistant tool calls and their results by id", () => {
    const out = toModelMessages([
      { role: "system", content: "sys" },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" } },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "t1", type: "function", function: { name: "add", arguments: '{"a":1}' } }],
      },
      { role: "tool", tool_call_id: "t1", content: '{"result": 2}' },
      { role: "assistant", content: "done" },
    ]);
    expect(out).toEqual([
      { role: "system", content: "sys" },
      {
        role: "user",
        content: [
          { type: "text", text: "look" },
          { type: "image", image: "data:image/png;base64,AAAA" },
          { type: "file", data: "JVBE", mediaType: "application/pdf" },
        ],
      },
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "t1", toolName: "add", input: { a: 1 } }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "t1", toolName: "add", output: { type: "text", value: '{"result": 2}' } },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "done" }] },
    ]);
  });

  it("reads tools: drops $schema, forces an object schema, keeps the endpoint apart, skips nameless entries", () => {
    expect(
      readTools([
        {
          type: "function",
          function: { name: "a", parameters: { $schema: "x", type: "string" }, _mesh_endpoint: "http://h:1" },
        },
        { type: "function", function: { description: "no name" } },
        null,
      ]),
    ).toEqual([{ name: "a", description: "", parameters: { properties: {}, type: "object" }, endpoint: "http://h:1" }]);
  });
});
