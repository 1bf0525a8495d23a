import { describe, expect, it } from "vitest";
import { SSE_DONE, sseError, sseEvent, sseResponse } from "./sse.js";

describe("browser SSE framing (LLM-WIRE.md §3.5)", () => {
  it("one data line per line of a chunk, a blank line after; an empty chunk still sends data", () => {
    expect(sseEvent("Hello")).toBe("data: Hello\n\n");
    expect(sseEvent("")).toBe("data: \n\n");
    expect(sseEvent("a\nb")).toBe("data: a\ndata: b\n\n");
  });

  it("a carriage return cannot forge an event field", () => {
    expect(sseEvent("x\revent: error\r\ndata: y")).toBe("data: x\ndata: event: error\ndata: data: y\n\n");
  });

  it("ends with [DONE]; an error is an error event with {error}", () => {
    expect(SSE_DONE).toBe("data: [DONE]\n\n");
    expect(sseError(new Error('bad "thing"'))).toBe('event: error\ndata: {"error":"bad \\"thing\\""}\n\n');
  });

  it("as a web Response: the stream, then [DONE]; cancelling the body ends the iteration", async () => {
    async function* two() {
      yield "a";
      yield "b";
    }
    expect(await sseResponse(two()).text()).toBe("data: a\n\ndata: b\n\ndata: [DONE]\n\n");
    let ended = false;
    async function* endless() {
      try {
        for (;;) yield "tick";
      } finally {
        ended = true;
      }
    }
    const reader = (sseResponse(endless()).body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    expect(ended).toBe(true);
  });
});
