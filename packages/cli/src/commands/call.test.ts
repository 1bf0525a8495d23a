import pc from "picocolors";
import { describe, expect, it } from "vitest";
import { ErrorCodes } from "../errors.js";
import { notificationLine } from "../mcp-call.js";
import { formatResult, parseArguments, toolFailure } from "./call.js";

const plain = pc.createColors(false);

describe("meshctl call", () => {
  it("accepts only a JSON object as arguments, and says how to fix anything else", () => {
    expect(parseArguments('{"a": 1}', "the arguments")).toEqual({ a: 1 });
    expect(parseArguments(undefined, "the arguments")).toEqual({});
    expect(() => parseArguments("{a: 1}", "the arguments")).toThrow(/not valid JSON .*pass an object/);
    expect(() => parseArguments('"x"', "the arguments")).toThrow(/must be a JSON object, got a string/);
  });

  it("prints text as text and JSON (text or structured) indented", () => {
    expect(formatResult({ content: [{ type: "text", text: "Hello" }] }, plain)).toBe("Hello");
    expect(formatResult({ content: [{ type: "text", text: '{"a":[1]}' }] }, plain)).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(formatResult({ content: [], structuredContent: { ok: true } }, plain)).toBe('{\n  "ok": true\n}');
  });

  it("prints a Python (FastMCP) agent's wrapped result as the value it wraps", () => {
    const wrapped = (value: unknown) => ({
      content: [{ type: "text", text: typeof value === "string" ? value : JSON.stringify(value) }],
      structuredContent: { result: value },
      _meta: { fastmcp: { wrap_result: true } },
    });
    expect(formatResult(wrapped("hello Ada from python"), plain)).toBe("hello Ada from python");
    expect(formatResult(wrapped(42), plain)).toBe("42");
    expect(formatResult(wrapped([1, "two"]), plain)).toBe('[\n  1,\n  "two"\n]');
    // Without FastMCP's marker a {"result": ...} object is the tool's own answer: printed whole.
    expect(formatResult({ content: [], structuredContent: { result: "x" } }, plain)).toBe('{\n  "result": "x"\n}');
  });

  it("turns tool errors into one line", () => {
    const failure = toolFailure("t", {
      jsonrpc: "2.0",
      id: 1,
      result: { isError: true, content: [{ type: "text", text: "boom" }] },
    });
    expect(failure?.code).toBe(ErrorCodes.REMOTE_TOOL_ERROR);
    expect(failure?.message).toBe("tool 't' returned an error: boom");
    expect(toolFailure("t", { jsonrpc: "2.0", id: 1, result: { content: [] } })).toBeUndefined();
  });

  it("shows progress and log notifications as one plain line each", () => {
    const progress = (params: Record<string, unknown>) =>
      notificationLine({ method: "notifications/progress", params }, plain);
    expect(progress({ progressToken: "t", progress: 2, total: 5, message: "parsing" })).toBe(
      "progress 40% (2/5) parsing",
    );
    expect(progress({ progressToken: "t", progress: 7 })).toBe("progress 7");
    const log = (params: Record<string, unknown>) =>
      notificationLine({ method: "notifications/message", params }, plain);
    expect(log({ level: "warning", logger: "db", data: "slow\nquery" })).toBe("warning db: slow ⏎ query");
    expect(log({ level: "info", data: { rows: 3 } })).toBe('info {"rows":3}');
    // A tool's text cannot move the cursor or recolour the terminal.
    expect(log({ level: "info", data: "\u001b[2Jgone" })).toBe("info [2Jgone");
    expect(notificationLine({ method: "notifications/other", params: {} }, plain)).toBeUndefined();
  });
});
