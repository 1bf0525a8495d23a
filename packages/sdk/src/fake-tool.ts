// A test's stand-in for a dependency: a plain function wrapped as an injectable proxy.
import type { McpMeshTool, ToolArgs } from "./types.js";

/** Wraps a plain function as an injectable dependency (tests' fakes). */
export function fakeTool(
  capability: string,
  fn: (args: ToolArgs, toolName: string | undefined) => unknown,
): McpMeshTool {
  const proxy = (async (args?: ToolArgs) => fn(args ?? {}, undefined)) as McpMeshTool;
  Object.defineProperties(proxy, {
    callTool: { value: async (name: string, args?: ToolArgs) => fn(args ?? {}, name) },
    stream: { value: (args?: ToolArgs) => fakeStream(() => fn(args ?? {}, undefined)) },
    streamTool: { value: (name: string, args?: ToolArgs) => fakeStream(() => fn(args ?? {}, name)) },
    capability: { value: capability, enumerable: true },
    endpoint: { value: "fake://", enumerable: true },
    functionName: { value: "fake", enumerable: true },
    agentId: { value: "fake", enumerable: true },
  });
  return proxy;
}

/** A fake's answer as a stream: an async iterable is streamed, any other value is one chunk. */
async function* fakeStream(answer: () => unknown): AsyncGenerator<string, void, undefined> {
  const value = await answer();
  if (value !== null && typeof value === "object" && Symbol.asyncIterator in value) {
    for await (const chunk of value as AsyncIterable<unknown>) yield String(chunk);
    return;
  }
  if (value === undefined || value === null) return;
  yield typeof value === "string" ? value : JSON.stringify(value);
}
