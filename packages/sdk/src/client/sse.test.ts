import { describe, expect, it } from "vitest";
import { createSseParser, sseData } from "./sse.js";

describe("the SSE parser", () => {
  it("hands over each event when its blank line arrives, however the bytes are split", () => {
    const seen: string[] = [];
    const p = createSseParser((d) => seen.push(d));
    p.push('event: message\r\ndata: {"a"');
    expect(seen).toEqual([]);
    p.push(":1}\r\n");
    expect(seen).toEqual([]); // not complete until the blank line
    p.push("\r\n: keep-alive comment\n\ndata: first\ndata:second\n\n");
    expect(seen).toEqual(['{"a":1}', "first\nsecond"]);
    p.push("data: unterminated");
    p.end();
    expect(seen).toEqual(['{"a":1}', "first\nsecond", "unterminated"]);
  });

  it("names each event by its event field", () => {
    const seen: [string, string][] = [];
    const p = createSseParser((d, e) => seen.push([e, d]));
    p.push("event: resolution\nid: 1\ndata: {}\n\ndata: plain\n\n");
    expect(seen).toEqual([
      ["resolution", "{}"],
      ["message", "plain"],
    ]);
  });

  it("reads every data payload of a whole body", () => {
    expect(sseData("id: 1\nevent: message\ndata: x\n\nretry: 10\n\ndata: y\n\n")).toEqual(["x", "y"]);
  });

  it("refuses an event that grows past its bound instead of buffering it forever", () => {
    const p = createSseParser(() => {}, 16);
    expect(() => p.push(`data: ${"x".repeat(40)}`)).toThrow(/longer than 16/);
    const q = createSseParser(() => {}, 16);
    expect(() => q.push(`data: ${"x".repeat(10)}\ndata: ${"y".repeat(10)}\n`)).toThrow(/larger than 16/);
  });
});
