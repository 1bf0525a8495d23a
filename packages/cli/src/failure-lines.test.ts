import { describe, expect, it } from "vitest";
import { failureLines, failureSuffix, pushTail, TAIL_LINES } from "./failure-lines.js";
import type { LogLine } from "./log-lines.js";

const lines = (text: string): LogLine[] => text.split("\n").map((t) => ({ text: t }));

describe("why an agent process died", () => {
  it("a TypeScript syntax error: the compiler's file:line:col and message, not 'TransformError'", () => {
    // What node --import tsx prints for `mesh.agent({ name: "bad", httpPort: 0 ;`.
    const tail = lines(`node:internal/modules/run_main:123
    triggerUncaughtException(
    ^

Error: Transform failed with 1 error:
/tmp/bad.ts:2:52: ERROR: Expected "}" but found ";"
    at failureErrorWithLog (/x/node_modules/esbuild/lib/main.js:1752:15)
    at /x/node_modules/esbuild/lib/main.js:1019:50
    at Pipe.onStreamRead (node:internal/stream_base_commons:191:23) {
  name: 'TransformError'
}

Node.js v20.20.2`);
    expect(failureLines(tail)).toEqual(['/tmp/bad.ts:2:52: ERROR: Expected "}" but found ";"']);
  });

  it("a thrown error: its message and where it was thrown", () => {
    const tail = lines(`file:///tmp/agent.ts:2
throw new Error("missing API key: set WEATHER_API_KEY");
^

Error: missing API key: set WEATHER_API_KEY
    at file:///tmp/agent.ts:2:7
    at ModuleJob.run (node:internal/modules/esm/module_job:234:25)

Node.js v20.20.2`);
    expect(failureLines(tail)).toEqual(["Error: missing API key: set WEATHER_API_KEY (at /tmp/agent.ts:2)"]);
  });

  it("an error the agent logged before exiting (pino FATAL/ERROR) is kept", () => {
    const tail: LogLine[] = [
      { text: "agent starting", level: "INFO" },
      { text: "invalid option httpPort = 99999: not a valid port", level: "FATAL" },
    ];
    expect(failureLines(tail)).toEqual(["invalid option httpPort = 99999: not a valid port"]);
  });

  it("an SDK's own indented explanation is not mistaken for an error's properties", () => {
    const tail = lines(`mcp-mesh: agent "x" failed to start: invalid configuration for agent "x":
  httpPort: 99999 is not a valid port (0-65535)`);
    expect(failureLines(tail)).toEqual([
      'mcp-mesh: agent "x" failed to start: invalid configuration for agent "x":',
      "httpPort: 99999 is not a valid port (0-65535)",
    ]);
  });

  it("says so when the process printed nothing useful", () => {
    expect(failureLines(lines("\n\nNode.js v20.20.2"))).toEqual([]);
    expect(failureSuffix([])).toMatch(/printed nothing/);
    expect(failureSuffix(["a"])).toBe(": a");
    expect(failureSuffix(["a", "b"])).toBe(":\n    a\n    b");
  });

  it("keeps a bounded tail of bounded lines", () => {
    const tail: LogLine[] = [];
    for (let i = 0; i < 10_000; i++) pushTail(tail, { text: "x".repeat(10_000) });
    expect(tail).toHaveLength(TAIL_LINES);
    expect(tail[0]?.text.length).toBeLessThan(600);
  });
});
