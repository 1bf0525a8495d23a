import { describe, expect, it } from "vitest";
import { parseLogLine } from "./log-lines.js";

describe("pino lines as meshctl reads them", () => {
  it("a port other than the requested one is flagged, in either of the SDK's wordings", () => {
    const busy = parseLogLine(
      '{"level":40,"time":1,"requested_port":9090,"port":40123,"msg":"requested port 9090 is busy; listening on 40123 instead"}',
    );
    expect(busy.portMoved).toBe("requested port 9090 is busy; listening on 40123 instead");
    expect(busy.text).toBe("requested port 9090 is busy; listening on 40123 instead requested_port=9090 port=40123");
    const registry = parseLogLine(
      `{"level":40,"time":1,"requested_port":8000,"port":40124,"msg":"requested port 8000 is the registry's port; listening on 40124 instead"}`,
    );
    expect(registry.portMoved).toBe("requested port 8000 is the registry's port; listening on 40124 instead");
  });

  it("other lines are not flagged", () => {
    expect(parseLogLine('{"level":30,"time":1,"port":9090,"msg":"agent started"}').portMoved).toBeUndefined();
    expect(parseLogLine("plain text").portMoved).toBeUndefined();
    expect(parseLogLine('{"level":40,"requested_port":9090,"port":9090,"msg":"x"}').portMoved).toBeUndefined();
  });
});
