// Loaded with `--import` into every agent meshctl starts. When an agent imports the mesh SDK
// (or zod) and its own folder has no node_modules with it, resolve it from meshctl's install:
// `meshctl start hello.ts` then works for a single file anywhere, with no npm install.
import { register } from "node:module";

const bases = [import.meta.url];
try {
  bases.push(import.meta.resolve("@mcp-mesh/sdk"));
} catch {
  // the SDK is not installed next to meshctl: the agent's own resolution is all there is
}
register("./resolve-fallback.js", import.meta.url, { data: { bases } });

// An agent never outlives the meshctl that started it: when meshctl goes away, even by SIGKILL,
// the IPC channel closes and the agent shuts down as on SIGTERM (our SDK unregisters first).
if (process.env.MESHCTL_AGENT === "1" && process.channel) {
  process.channel.unref();
  process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
}
