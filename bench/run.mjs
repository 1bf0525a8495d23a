#!/usr/bin/env node
// Benchmark our registry (packages/registry) with the vendored, unchanged MCP Mesh
// registry harness (bench/harness, see bench/README.md), optionally the Go reference
// registry too, then print a side-by-side Markdown table and the issue's targets.
//
//   npm run bench                                   # = npm run build && node bench/run.mjs
//   npm run bench -- --sizes 100                    # quick check
//   npm run bench -- --with-reference               # also the Go registry v3.7.1
//   node bench/run.mjs --help
//
// Every option this script does not know is passed through to bench/harness/bench.mjs
// (for both registries). Progress goes to stderr; the harness JSON goes to bench/results/.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { startForeignCpuMonitor } from "./monitor.mjs";
import { evaluateTargets, renderTargets } from "./targets.mjs";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(benchDir, "..");
const harness = path.join(benchDir, "harness", "bench.mjs");
const reportScript = path.join(benchDir, "harness", "report.mjs");
const resultsDir = path.join(benchDir, "results");
const refBin = path.join(root, ".cache", "reference", "bin");
const registryBin = path.join(root, "packages", "registry", "bin", "mcp-mesh-registry.js");

const OUR_LABEL = "ts-registry-sqlite";
const REF_LABEL = "go-registry-v3.7.1-sqlite";
// Our targets are stated for N=5000, 10000 and 20000; 100 and 1000 keep the table comparable
// with the reference's published run (bench/harness default is 100,1000,5000).
const OUR_DEFAULT_SIZES = "100,1000,5000,10000,20000";

const HELP = `Usage: node bench/run.mjs [run options] [harness options]

Run options (this script):
  --with-reference        also benchmark the Go reference registry (.cache/reference/bin)
  --reference-only        benchmark only the reference registry
  --reference-sizes LIST  sizes for the reference run (default: the harness default,
                          100,1000,5000; the Go registry needs ~100 s to register 5000
                          agents and would not finish 10000 within the run limits)
  --reference-args 'A B'  extra harness options for the reference run only
  --cpu-prof              run our registry under "node --cpu-prof"; profiles go to
                          bench/results/cpu-prof/ (one per spawned instance)
  --node-args 'A B'       extra node options for our registry (e.g. --max-old-space-size=256)
  --compare FILE          add another harness result file to the side-by-side table
                          (repeatable). Without --with-reference an existing
                          bench/results/go-registry.json is added automatically.
  --no-compare            do not add bench/results/go-registry.json automatically
  --help                  this text

Everything else goes unchanged to the harness (bench/harness/bench.mjs), e.g.
  --sizes LIST (ours default ${OUR_DEFAULT_SIZES}), --duration S, --scenarios LIST,
  --max-runtime S, --reg-max S, --keep-work, --work-dir DIR. Harness options:
`;

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const opt = {
  withReference: false,
  referenceOnly: false,
  referenceSizes: null,
  referenceArgs: [],
  cpuProf: false,
  nodeArgs: [],
  compare: [],
  autoCompare: true,
};
const pass = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const [name, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
  const value = () => {
    const v = inline ?? argv[++i];
    if (v === undefined) fail(`${name} needs a value`);
    return v;
  };
  switch (name) {
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      spawnSync(process.execPath, [harness, "--help"], { stdio: ["ignore", "ignore", "inherit"] });
      process.exit(0);
      break;
    case "--with-reference":
      opt.withReference = true;
      break;
    case "--reference-only":
      opt.withReference = true;
      opt.referenceOnly = true;
      break;
    case "--reference-sizes":
      opt.referenceSizes = value();
      break;
    case "--reference-args":
      opt.referenceArgs.push(...splitWords(value()));
      break;
    case "--cpu-prof":
      opt.cpuProf = true;
      break;
    case "--node-args":
      opt.nodeArgs.push(...splitWords(value()));
      break;
    case "--compare":
      opt.compare.push(path.resolve(value()));
      break;
    case "--no-compare":
      opt.autoCompare = false;
      break;
    default:
      pass.push(a);
  }
}
for (const own of ["--spawn", "--url", "--label", "--out", "--meshctl"]) {
  if (pass.some((a) => a === own || a.startsWith(`${own}=`)))
    fail(`${own} is set by bench/run.mjs; run bench/harness/bench.mjs directly for other targets`);
}
const passHas = (flag) => pass.some((a) => a === flag || a.startsWith(`${flag}=`));

function splitWords(s) {
  return s.split(/\s+/).filter(Boolean);
}
function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);
const shq = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

// ------------------------------------------------------------------ preflight
try {
  await import("undici");
} catch {
  fail("the harness needs undici: run `npm install` in the repository root (it is a root devDependency)");
}
const meshctl = path.join(refBin, "meshctl");
const refRegistry = path.join(refBin, "mcp-mesh-registry");
if (!existsSync(meshctl) || (opt.withReference && !existsSync(refRegistry))) {
  const fetcher = path.join(root, "scripts", "fetch-reference.mjs");
  if (existsSync(fetcher)) {
    log("reference binaries missing; running scripts/fetch-reference.mjs");
    spawnSync(process.execPath, [fetcher], { cwd: root, stdio: "inherit" });
  }
}
if (!existsSync(meshctl)) log(`WARNING: ${meshctl} not found; the meshctl scenario will be skipped`);
if (opt.withReference && !existsSync(refRegistry))
  fail(`${refRegistry} not found (run: node scripts/fetch-reference.mjs)`);
if (!opt.referenceOnly && !existsSync(path.join(root, "packages", "registry", "dist", "main.js"))) {
  fail("packages/registry/dist/main.js missing: run `npm run build` first (npm run bench does)");
}
mkdirSync(resultsDir, { recursive: true });

// The registry is benchmarked as built from the working tree: record which sources those were,
// and how busy the machine was (the harness and the registry share the cores with everything else).
function treeHash(dirs) {
  const h = createHash("sha256");
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const f = path.join(d, name);
      if (statSync(f).isDirectory()) walk(f);
      else if (/\.(ts|mts|js|mjs|json)$/.test(name))
        h.update(path.relative(root, f)).update("\0").update(readFileSync(f)).update("\0");
    }
  };
  for (const d of dirs) if (existsSync(d)) walk(d);
  return h.digest("hex").slice(0, 16);
}
const meta = {
  started_at: new Date().toISOString(),
  node: process.version,
  host: { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model, kernel: os.release() },
  sources_sha256_16: treeHash(["packages/protocol/src", "packages/registry/src"].map((d) => path.join(root, d))),
  git_head: spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim() || null,
  git_dirty_files: spawnSync("git", ["status", "--porcelain", "--", "packages"], { cwd: root, encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean).length,
  loadavg_before: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
if (meta.loadavg_before[0] > 1) {
  log(
    `WARNING: load average is ${meta.loadavg_before.join(" ")} on ${meta.host.cpus} cores: other processes compete with the benchmark; numbers will be pessimistic`,
  );
}

// ------------------------------------------------------------------ runs
function runHarness(args, label) {
  const cmd = [process.execPath, harness, ...args];
  log(`${label}: ${cmd.map(shq).join(" ")}`);
  const monitor = startForeignCpuMonitor(() => [process.pid]);
  return new Promise((resolve) => {
    // harness JSON also goes to --out; stdout is dropped, progress (stderr) is shown
    const child = spawn(process.execPath, [harness, ...args], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    const fwd = (sig) => () => child.kill(sig);
    const onInt = fwd("SIGINT");
    const onTerm = fwd("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    child.on("exit", (code, signal) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      const foreign = monitor.stop();
      if (foreign && foreign.seconds_with_foreign_cores_ge_0_25 > 0) {
        log(
          `WARNING: other processes used CPU during the ${label} run: ${foreign.seconds_with_foreign_cores_ge_0_25} s with >= 0.25 cores ` +
            `(mean ${foreign.foreign_cores_mean}, max ${foreign.foreign_cores_max}) at ${foreign.busy_periods.join(", ")}; ` +
            `top: ${foreign.top_foreign_processes_cpu_s.map(([k, v]) => `${k} (${v} s)`).join("; ")}`,
        );
      }
      resolve({ code: code ?? (signal ? 128 : 1), foreign });
    });
  });
}

const runs = [];
const outputs = [];
const commands = [];
if (!opt.referenceOnly) {
  const out = path.join(resultsDir, "ts-registry.json");
  const nodeArgs = [...opt.nodeArgs];
  if (opt.cpuProf) {
    const profDir = path.join(resultsDir, "cpu-prof");
    mkdirSync(profDir, { recursive: true });
    nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${profDir}`);
  }
  const spawnCmd = [process.execPath, ...nodeArgs, registryBin].map(shq).join(" ");
  const args = ["--spawn", spawnCmd, "--label", OUR_LABEL, "--out", out];
  if (existsSync(meshctl)) args.push("--meshctl", meshctl);
  if (!passHas("--sizes")) args.push("--sizes", OUR_DEFAULT_SIZES);
  args.push(...pass);
  commands.push([process.execPath, harness, ...args]);
  const la0 = os.loadavg();
  const { code, foreign } = await runHarness(args, OUR_LABEL);
  runs.push({
    label: OUR_LABEL,
    out,
    code,
    foreign_cpu: foreign,
    loadavg_start: la0.map((x) => Math.round(x * 100) / 100),
    loadavg_end: os.loadavg().map((x) => Math.round(x * 100) / 100),
  });
  if (existsSync(out)) outputs.push(out);
}
if (opt.withReference) {
  const out = path.join(resultsDir, "go-registry.json");
  const args = ["--spawn", refRegistry, "--label", REF_LABEL, "--out", out];
  if (existsSync(meshctl)) args.push("--meshctl", meshctl);
  const refPass = pass.filter(
    (a, i) => !(a === "--sizes" || a.startsWith("--sizes=") || (i > 0 && pass[i - 1] === "--sizes")),
  );
  if (opt.referenceSizes) args.push("--sizes", opt.referenceSizes);
  args.push(...refPass, ...opt.referenceArgs);
  commands.push([process.execPath, harness, ...args]);
  const la0 = os.loadavg();
  const { code, foreign } = await runHarness(args, REF_LABEL);
  runs.push({
    label: REF_LABEL,
    out,
    code,
    foreign_cpu: foreign,
    loadavg_start: la0.map((x) => Math.round(x * 100) / 100),
    loadavg_end: os.loadavg().map((x) => Math.round(x * 100) / 100),
  });
  if (existsSync(out)) outputs.unshift(out);
}

// ------------------------------------------------------------------ report
const table = [...outputs];
const autoRef = path.join(resultsDir, "go-registry.json");
if (!opt.withReference && opt.autoCompare && existsSync(autoRef) && !table.includes(autoRef)) {
  const d = JSON.parse(readFileSync(autoRef, "utf8"));
  log(`adding the reference result of an earlier run (${d.harness?.started_at}) from ${path.relative(root, autoRef)}`);
  table.unshift(autoRef);
}
for (const f of opt.compare) if (!table.includes(f)) table.push(f);

let report = "";
if (table.length) {
  const r = spawnSync(process.execPath, [reportScript, ...table], { cwd: root, encoding: "utf8" });
  report = r.stdout;
  process.stdout.write(`\n${report}`);
  if (r.status !== 0) process.stderr.write(r.stderr);
}
const ours = path.join(resultsDir, "ts-registry.json");
let targetsMd = "";
if (!opt.referenceOnly && existsSync(ours)) {
  const ref = table.find(
    (f) => f !== ours && existsSync(f) && JSON.parse(readFileSync(f, "utf8")).target?.label === REF_LABEL,
  );
  const rows = evaluateTargets(
    JSON.parse(readFileSync(ours, "utf8")),
    ref ? JSON.parse(readFileSync(ref, "utf8")) : null,
  );
  targetsMd = renderTargets(rows, ref ? REF_LABEL : null);
  process.stdout.write(`\n## Targets (${OUR_LABEL})\n\n${targetsMd}\n`);
}
meta.finished_at = new Date().toISOString();
meta.runs = runs.map((r) => ({ ...r, out: path.relative(root, r.out) }));
meta.commands = commands.map((c) => c.map(shq).join(" "));
writeFileSync(path.join(resultsDir, "last-run.json"), `${JSON.stringify(meta, null, 2)}\n`);
writeFileSync(
  path.join(resultsDir, "last-run.md"),
  [
    `# bench/run.mjs ${new Date().toISOString()}`,
    "",
    "Commands:",
    "",
    "```",
    ...commands.map((c) => c.map(shq).join(" ")),
    "```",
    "",
    `Sources (packages/{protocol,registry}/src) sha256/16: ${meta.sources_sha256_16}; node ${meta.node}`,
    "",
    "Exit codes / load average (1, 5, 15 min) at start → end: " +
      runs.map((r) => `${r.label}=${r.code} (${r.loadavg_start.join(" ")} → ${r.loadavg_end.join(" ")})`).join("; "),
    "",
    "CPU used by other processes during each run (cores; user processes outside the benchmark's process tree, kernel threads excluded):",
    "",
    ...runs.map((r) =>
      r.foreign_cpu
        ? `- ${r.label}: mean ${r.foreign_cpu.foreign_cores_mean}, p90 ${r.foreign_cpu.foreign_cores_p90}, max ${r.foreign_cpu.foreign_cores_max}; ` +
          `${r.foreign_cpu.seconds_with_foreign_cores_ge_0_25} s with >= 0.25 cores${r.foreign_cpu.busy_periods.length ? ` (${r.foreign_cpu.busy_periods.join(", ")} UTC)` : ""}; ` +
          `top: ${r.foreign_cpu.top_foreign_processes_cpu_s.map(([k, v]) => `\`${k}\` ${v} s`).join(", ") || "none"}`
        : `- ${r.label}: not measured`,
    ),
    "",
    report,
    targetsMd ? `## Targets (${OUR_LABEL})\n\n${targetsMd}` : "",
  ].join("\n"),
);
log(`results: ${outputs.map((f) => path.relative(root, f)).join(", ")} (+ bench/results/last-run.{md,json})`);
// 0 = every run passed the harness's validity checks; otherwise the worst harness exit code
process.exit(Math.max(0, ...runs.map((r) => r.code)));
