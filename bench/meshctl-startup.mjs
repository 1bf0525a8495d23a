// How long light meshctl commands take to start and exit (`--version`, `--help`, `help list`):
// the cost of loading the CLI's code, now that each command is imported only when it runs.
// Usage: node bench/meshctl-startup.mjs [--runs N] [--bin path/to/meshctl.js]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "20" }, bin: { type: "string" } },
});
const bin = values.bin ?? fileURLToPath(new URL("../packages/cli/bin/meshctl.js", import.meta.url));
const runs = Number(values.runs);
const cases = [["--version"], ["--help"], ["help", "list"]];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = [];
for (let i = 0; i < runs; i++) {
  const t = performance.now();
  execFileSync(process.execPath, ["-e", ""]);
  bare.push(performance.now() - t);
}
console.log(`node -e '' (baseline): median ${median(bare).toFixed(0)} ms over ${runs} runs`);
for (const args of cases) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    execFileSync(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1" } });
    times.push(performance.now() - t);
  }
  console.log(`meshctl ${args.join(" ")}: median ${median(times).toFixed(0)} ms over ${runs} runs`);
}
