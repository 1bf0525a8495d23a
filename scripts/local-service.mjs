// What scripts/redis.mjs and scripts/postgres.mjs share: finding or installing a Debian
// package's binary, a free port on 127.0.0.1, and starting a server process that we own (by its
// PID, stopped when this process exits) and waiting until it answers.
//
// A free port is only free when we look: between closing the probe socket and the server's bind,
// another process (a parallel test, a registry on port 0) may take it. The server then exits at
// once with "address in use", so `startOnFreePort` tries again on another port instead of
// failing the suite (seen in CI: a Redis that "did not start" with an empty log — Redis logs
// to stdout, which was not kept).
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { connect, createServer } from "node:net";

export const IS_CI = /^(1|true)$/i.test(process.env.CI ?? "");

const owned = new Map(); // pid -> signal to stop it with
const cleanups = new Set();
process.on("exit", () => {
  for (const [pid, signal] of owned) safeKill(pid, signal);
  for (const cleanup of cleanups) cleanup();
});

/** Runs `cleanup` (synchronously) when this process exits; returns a function that cancels it. */
export function onExit(cleanup) {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function safeKill(pid, signal = "SIGKILL") {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

export function which(cmd) {
  try {
    return execFileSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Installs Debian packages when we are root with apt-get; false when we may not. */
export function aptInstall(...packages) {
  if (process.getuid?.() !== 0 || !existsSync("/usr/bin/apt-get")) return false;
  execFileSync("apt-get", ["update"], { stdio: "ignore" });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], {
    stdio: "ignore",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return true;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * True when something on host:port answers within 500 ms: accepts the connection, or with
 * `send`, replies to it with data `accept` approves. A peer that hangs up answers false.
 */
export function answers(port, { host = "127.0.0.1", send, accept = () => true } = {}) {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once("error", () => done(false));
    s.once("close", () => done(false));
    s.once("connect", () => (send === undefined ? done(true) : s.write(send)));
    s.once("data", (d) => done(accept(d.toString())));
  });
}

/** True when something accepts TCP connections on host:port within 500 ms. */
export function listens(port, host = "127.0.0.1") {
  return answers(port, { host });
}

/** The error a server start ends with; `exitedEarly` says another port may help. */
class StartError extends Error {
  constructor(message, exitedEarly) {
    super(message);
    this.exitedEarly = exitedEarly;
  }
}

/**
 * Spawns `bin args` (its stdout and stderr kept, last 4 KB, for the error) and resolves once
 * `ready()` is true: { child, exited, stop() }. stop() sends `stopSignal` and waits for the exit.
 * Rejects with the server's own words when it exits first or is not ready by `timeoutMs`.
 */
export async function startServer({
  name,
  bin,
  args,
  spawnOptions = {},
  ready,
  timeoutMs = 30_000,
  stopSignal = "SIGKILL",
}) {
  const child = spawn(bin, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
  owned.set(child.pid, stopSignal);
  let log = "";
  const keep = (c) => (log = (log + c).slice(-4096));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  exited.then(() => owned.delete(child.pid));
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    const early = child.exitCode !== null || child.signalCode !== null;
    if (early || Date.now() > deadline) {
      safeKill(child.pid, "SIGKILL");
      await exited;
      const why = early ? `exited (${child.exitCode ?? child.signalCode})` : `not ready after ${timeoutMs / 1000} s`;
      throw new StartError(`${name} did not start: ${why}: ${log.trim() || "(no output)"}`, early);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        safeKill(child.pid, stopSignal);
        await exited;
      }
    },
  };
}

/**
 * `launch(port)` on a free port, again on another one (up to `attempts`) when the server exits
 * at once — the port was taken between our probe and its bind. Resolves { port, server }.
 */
export async function startOnFreePort(launch, attempts = 3) {
  for (let i = 1; ; i++) {
    const port = await freePort();
    try {
      return { port, server: await launch(port) };
    } catch (e) {
      if (!(e instanceof StartError && e.exitedEarly) || i >= attempts) throw e;
    }
  }
}
