// The programmatic surface of @mcp-mesh/cli: run meshctl in-process (tests, wrappers).
export type { Context } from "./context.js";
export { exitCodeFor } from "./errors.js";
export { type MainIo, main, run } from "./main.js";
