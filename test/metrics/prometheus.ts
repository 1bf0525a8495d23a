// A real Prometheus (the Debian package, scripts/ensure-prometheus.mjs) for the metrics tests:
// started on a free loopback port with a generated scrape config and its own temp TSDB, stopped
// by PID; queried over its HTTP API.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../interop/processes.js";

export const PROMETHEUS = process.env.PROMETHEUS ?? "/usr/bin/prometheus";
export const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";

export interface PrometheusProcess {
  url: string;
  output(): string;
  /** GET /api/v1/query: the parsed answer (status "error" with errorType for a bad query). */
  query(expr: string): Promise<QueryAnswer>;
  stop(): Promise<void>;
}

export interface QueryAnswer {
  status: "success" | "error";
  error?: string;
  data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

/** Scrapes `jobs` (job name → host:port targets) every second. */
export async function startPrometheus(jobs: Record<string, string[]>): Promise<PrometheusProcess> {
  const dir = mkdtempSync(join(tmpdir(), "mesh-prometheus-"));
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  evaluation_interval: 1s",
    "scrape_configs:",
    ...Object.entries(jobs).flatMap(([job, targets]) => [
      `  - job_name: ${job}`,
      "    static_configs:",
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
    ]),
  ].join("\n");
  writeFileSync(join(dir, "prometheus.yml"), `${config}\n`);
  const port = await freePort();
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const append = (c: Buffer) => {
    log = (log + c.toString()).slice(-32768);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, "SIGTERM");
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}):\n${log}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => log,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return (await res.json()) as QueryAnswer;
    },
    stop,
  };
}
