// Bundles the registry binary into one ESM file. Resolving and compiling ~400 modules costs
// ~130 ms of a ~380 ms cold start; one bundled file starts in ~240 ms (bench/RESULTS.md).
// libsql stays external: it loads a native addon.
import { build } from "esbuild";

await build({
  entryPoints: ["packages/registry/dist/main.js"],
  outfile: "packages/registry/dist/main.bundle.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["libsql"],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __meshRequire } from 'node:module'; const require = __meshRequire(import.meta.url);",
  },
  logLevel: "warning",
});
