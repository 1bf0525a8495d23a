#!/usr/bin/env node
// The browser tests (examples/web's page) drive the Debian package `chromium` through
// playwright-core. This installs it when it is missing, so a fresh development or CI machine
// has it: `apt-get update` once, then `apt-get install chromium`. Idempotent; as root only
// (otherwise it says what to run). CHROMIUM=/path/to/chromium points at another build.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const binary = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (existsSync(binary)) {
  console.log(`ensure-chromium: ${binary} present`);
  process.exit(0);
}
if (process.env.CHROMIUM) {
  console.error(`ensure-chromium: CHROMIUM=${binary} does not exist`);
  process.exit(1);
}
if (process.getuid?.() !== 0) {
  console.error(
    "ensure-chromium: /usr/bin/chromium is missing; install it: sudo apt-get update && sudo apt-get install -y chromium",
  );
  process.exit(process.env.CI ? 1 : 0);
}
const run = (args) =>
  execFileSync("apt-get", args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
console.log("ensure-chromium: installing the Debian package chromium");
run(["update"]);
run(["install", "-y", "--no-install-recommends", "chromium"]);
if (!existsSync(binary)) {
  console.error(`ensure-chromium: apt-get finished but ${binary} is still missing`);
  process.exit(1);
}
