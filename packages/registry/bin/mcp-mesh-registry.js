#!/usr/bin/env node
// Thin launcher so the bin link exists before the first build. It prefers the bundled build
// (one file: faster cold start) and falls back to the plain compiled modules.
import { existsSync } from "node:fs";

const bundle = new URL("../dist/main.bundle.mjs", import.meta.url);
const { main } = await import(existsSync(bundle) ? bundle.href : "../dist/main.js");

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`mcp-mesh-registry: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
