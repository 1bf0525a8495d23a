// The one Server-Sent Events parser of the project (text/event-stream as MCP's streamable HTTP
// uses it): fed chunks as they arrive, it hands each event's `data` to the callback at the blank
// line that ends the event, so notifications reach a caller while the tool still runs.

export interface SseParser {
  push(chunk: string): void;
  /** Flushes an event the stream ended without a blank line after. */
  end(): void;
}

/**
 * `onData` gets each event's data and its `event:` name ("message" when none). `maxEventChars`
 * bounds one event's buffered text: a stream that never ends an event fails.
 */
export function createSseParser(
  onData: (data: string, event: string) => void,
  maxEventChars = 32 * 1024 * 1024,
): SseParser {
  let buffer = "";
  let data: string[] = [];
  let dataChars = 0;
  let event = "message";
  const dispatch = () => {
    if (data.length > 0) onData(data.join("\n"), event);
    data = [];
    dataChars = 0;
    event = "message";
  };
  const line = (l: string) => {
    if (l === "") return dispatch();
    if (l.startsWith(":")) return; // comment / keep-alive
    const colon = l.indexOf(":");
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? "" : l.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    if (field !== "data") return; // id, retry: nothing our callers need
    dataChars += value.length;
    if (dataChars > maxEventChars) throw new Error(`event larger than ${maxEventChars} characters`);
    data.push(value);
  };
  return {
    push(chunk) {
      buffer += chunk;
      let start = 0;
      for (;;) {
        const nl = buffer.indexOf("\n", start);
        if (nl < 0) break;
        const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        line(buffer.slice(start, end));
        start = nl + 1;
      }
      buffer = buffer.slice(start);
      if (buffer.length > maxEventChars) throw new Error(`line longer than ${maxEventChars} characters`);
    },
    end() {
      if (buffer !== "") line(buffer.endsWith("\r") ? buffer.slice(0, -1) : buffer);
      buffer = "";
      dispatch();
    },
  };
}

/** All `data` payloads of a complete event-stream text (for callers holding the whole body). */
export function sseData(text: string): string[] {
  const out: string[] = [];
  const p = createSseParser((d) => out.push(d));
  p.push(text);
  p.end();
  return out;
}
