#!/usr/bin/env node
// Thin launcher so the bin link exists before the first build; everything else is in dist/.
import { run } from "../dist/main.js";

process.exitCode = await run(process.argv.slice(2));
