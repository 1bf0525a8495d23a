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
  // V8 keeps a script's source for lazy compilation. Comments of the bundled libraries hold
  // characters beyond Latin-1, which made the 4.7 MB bundle a two-byte string: 9.4 MB of heap
  // at all times. Without whitespace and comments it is 3 MB of one-byte text; names are kept.
  minifyWhitespace: true,
  charset: "ascii",
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __meshRequire } from 'node:module'; const require = __meshRequire(import.meta.url);",
  },
  logLevel: "warning",
});
