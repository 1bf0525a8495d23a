#!/usr/bin/env node
// Thin launcher so the bin link exists before the first build; the code lives in dist/.
import { main } from "../dist/main.js";

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`mcp-mesh-registry: ${err?.message ?? err}\n`);
    process.exit(1);
  },
);
