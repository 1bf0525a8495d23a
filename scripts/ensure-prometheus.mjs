#!/usr/bin/env node
// The metrics tests (test/metrics) scrape a running test mesh with a real Prometheus: the
// Debian package `prometheus` (prometheus + promtool). This installs it when it is missing:
// `apt-get update` once, then `apt-get install prometheus`. Idempotent; as root only (otherwise
// it says what to run). PROMETHEUS=/path/to/prometheus points at another build.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const binary = process.env.PROMETHEUS ?? "/usr/bin/prometheus";
if (existsSync(binary)) {
  console.log(`ensure-prometheus: ${binary} present`);
  process.exit(0);
}
if (process.env.PROMETHEUS) {
  console.error(`ensure-prometheus: PROMETHEUS=${binary} does not exist`);
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error(
    "ensure-prometheus: /usr/bin/prometheus is missing; install it: sudo apt-get update && sudo apt-get install -y prometheus",
  );
  process.exit(process.env.CI ? 1 : 0);
}
const run = (args) =>
  execFileSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
console.log("ensure-prometheus: installing the Debian package prometheus");
run(["update"]);
// --no-install-recommends: the exporters it recommends would start services of their own.
run(["install", "-y", "--no-install-recommends", "prometheus"]);
if (!existsSync(binary)) {
  console.error(`ensure-prometheus: apt-get finished but ${binary} is still missing`);
  process.exit(1);
}
