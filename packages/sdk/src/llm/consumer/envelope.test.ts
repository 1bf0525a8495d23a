// Golden wire fixtures: a Python provider's answers (LLM-WIRE.md §1.3-1.5) read by our consumer.
import { readFileSync } from "node:fs";
import { ErrorCodes } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeResponse } from "../../decode-result.js";
import { parseAnswer, parseEnvelope } from "./envelope.js";
import { frameOf, framesOf } from "./frames.js";

const golden = JSON.parse(readFileSync(new URL("./fixtures/python-provider-envelopes.json", import.meta.url), "utf8"));
const read = (name: string) => parseEnvelope(decodeResponse(golden[name], "claude_provider"));
const Answer = z.object({ answer: z.number(), explanation: z.string() });

describe("a Python provider's envelopes", () => {
  it("a final answer: content, usage and model", () => {
    expect(read("final")).toEqual({
      content: "2 + 3 = 5",
      toolCalls: undefined,
      usage: { inputTokens: 812, outputTokens: 14, model: "anthropic/claude-sonnet-4-5" },
      stopReason: undefined,
    });
  });

  it("a legacy round: tool_calls with JSON-string arguments", () => {
    expect(read("legacyToolCalls").toolCalls).toEqual([
      { id: "toolu_01A", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } },
    ]);
  });

  it("dict content and a bare structured map are the answer; a map with a truthy error is not", () => {
    expect(parseAnswer(read("dictContent").content, Answer, undefined)).toEqual({ answer: 5, explanation: "sum" });
    expect(parseAnswer(read("bareMap").content, Answer, undefined)).toEqual({ answer: 5, explanation: "bare" });
    expect(read("errorMap").content).toBe("");
    expect(() => parseAnswer(read("errorMap").content, Answer, golden.errorMap)).toThrow(
      expect.objectContaining({ code: ErrorCodes.LLM_RESPONSE_PARSE, message: expect.stringMatching(/vendor quota/) }),
    );
  });

  it("the stop reason is kept for the max-iterations error", () => {
    expect(read("maxIterations")).toMatchObject({ content: "Let me check that", stopReason: "max_iterations" });
  });

  it("a provider failure is a tool error carrying the provider's message", () => {
    expect(() => read("providerError")).toThrow(/529 overloaded_error/);
  });

  it("a TS provider's envelope (JSON text only) parses the same", () => {
    const e = read("tsProviderString");
    expect(parseAnswer(e.content, Answer, undefined)).toEqual({ answer: 5, explanation: "ts" });
    expect(e.usage).toEqual({ inputTokens: 1, outputTokens: 2, model: "openai/gpt-4o" });
  });

  it("a bare string answer is the content; JSON is found in prose and fences; lists are coerced", () => {
    expect(parseEnvelope("just text").content).toBe("just text");
    const Tags = z.object({ tags: z.array(z.string()) });
    expect(parseAnswer('Here you go: {"tags": "one"} hope it helps', Tags, undefined)).toEqual({ tags: ["one"] });
    expect(() => parseAnswer("no json here", Tags, undefined)).toThrow(/not JSON/);
  });

  it("stream frames: chunks, end with stop_reason, non-frames pass through; a result text splits into frames", () => {
    expect(frameOf('{"_mesh_frame":"chunk","content":"a"}')).toEqual({ kind: "text", text: "a" });
    expect(frameOf('{"_mesh_frame":"end","stop_reason":"max_iterations"}')).toEqual({
      kind: "end",
      stopReason: "max_iterations",
    });
    expect(frameOf('{"text":"not a frame"}')).toEqual({ kind: "text", text: '{"text":"not a frame"}' });
    expect(framesOf(golden.streamResultText)).toEqual([
      { kind: "text", text: "Hel" },
      { kind: "text", text: "lo {x}" },
      { kind: "end", stopReason: undefined },
    ]);
    expect(framesOf("plain {text}")).toEqual([{ kind: "text", text: "plain {text}" }]);
  });
});
