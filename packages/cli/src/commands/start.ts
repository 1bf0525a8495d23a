// meshctl start [files...]: a registry (found or embedded) and TypeScript agents run directly,
// in the foreground with prefixed logs, or detached (see detach.ts) with logs in files.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type AgentEntry, resolveAgentEntries } from "../agent-files.js";
import type { AgentInfo } from "../agent-info.js";
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { detach, isSupervisor, runSupervised } from "../detach.js";
import { usageError } from "../errors.js";
import { LocalMesh, type MeshOptions } from "../local-mesh.js";
import { isLocalUrl, resolveRegistryUrls } from "../registry-url.js";
import { consoleReporter } from "../reporters.js";
import { callAfterStart, meshctlName, type StartCall, tryLines } from "../start-call.js";
import { meshHome } from "../state-dir.js";
import { parseArguments } from "./call.js";

const OPTIONS = {
  "registry-url": { type: "string" },
  "registry-host": { type: "string" },
  "registry-port": { type: "string" },
  "registry-only": { type: "boolean" },
  port: { type: "string", short: "p" },
  env: { type: "string", short: "e", multiple: true },
  watch: { type: "boolean", short: "w" },
  detach: { type: "boolean", short: "d" },
  "db-path": { type: "string" },
  "startup-timeout": { type: "string" },
  "shutdown-timeout": { type: "string" },
  debug: { type: "boolean" },
  call: { type: "string" },
  "call-args": { type: "string" },
  "tls-auto": { type: "boolean" },
} as const;

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvPairs(pairs: string[] | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf("=");
    const key = i > 0 ? pair.slice(0, i) : "";
    if (!ENV_KEY.test(key)) throw usageError(`--env '${pair}' must look like KEY=VALUE`);
    env[key] = pair.slice(i + 1);
  }
  return env;
}

/** Everything `start` needs, from its flags: pure, so the rules are testable without processes. */
export function startPlan(argv: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const { values, positionals } = parseCommand("start", argv, OPTIONS);
  const registryOnly = values["registry-only"] === true || positionals.length === 0;
  if (values["registry-only"] && positionals.length > 0) {
    throw usageError("--registry-only starts no agents: drop it or the files");
  }
  const entries: AgentEntry[] = registryOnly ? [] : resolveAgentEntries(positionals, cwd);
  if (values.port !== undefined) intOption(values.port, "port", 0);
  if (values.port !== undefined && entries.length > 1) {
    throw usageError(
      `--port sets one agent's HTTP port, but ${entries.length} agents are starting: set httpPort in each agent instead`,
    );
  }
  const registryPort = values["registry-port"] ?? (registryOnly ? values.port : undefined);
  // Several registries: agents get them all; the first is the one started here when none answers.
  const registryUrls = resolveRegistryUrls({ ...values, "registry-port": registryPort }, env);
  const registryUrl = registryUrls[0] as string;
  if (values.call !== undefined && (registryOnly || values.detach)) {
    throw usageError(
      registryOnly
        ? "--call calls a tool of the agents being started: name their files"
        : "--call runs in the foreground: with --detach, use 'meshctl call' once the start returns",
    );
  }
  if (values["call-args"] !== undefined && values.call === undefined)
    throw usageError("--call-args needs --call <tool>");
  const call: StartCall | undefined =
    values.call === undefined
      ? undefined
      : { spec: values.call, args: parseArguments(values["call-args"], "--call-args") };
  const home = meshHome(env);
  const agentEnv: NodeJS.ProcessEnv = {
    ...env,
    MCP_MESH_REGISTRY_URL: registryUrls.join(","),
    // A registry on this machine: agents announce loopback, so every URL works here as printed.
    ...(isLocalUrl(registryUrl) && !env.MCP_MESH_HTTP_HOST?.trim() && { MCP_MESH_HTTP_HOST: "127.0.0.1" }),
    ...(values.debug && { MCP_MESH_LOG_LEVEL: "debug" }),
    ...(!registryOnly && values.port !== undefined && { MCP_MESH_HTTP_PORT: values.port }),
    ...parseEnvPairs(values.env),
  };
  delete agentEnv.MESHCTL_SUPERVISOR;
  const options: MeshOptions = {
    entries,
    registryUrl,
    registryUrls,
    dbPath: values["db-path"] ?? join(home, "mcp_mesh_registry.db"),
    env,
    agentEnv,
    cwd,
    watch: values.watch === true,
    stayUp: registryOnly,
    startupTimeoutMs: intOption(values["startup-timeout"], "startup-timeout", 30, 1) * 1000,
    shutdownTimeoutMs: intOption(values["shutdown-timeout"], "shutdown-timeout", 10, 1) * 1000,
    registryLogLevel: values.debug ? "debug" : (env.MCP_MESH_LOG_LEVEL?.toLowerCase() ?? "warn"),
  };
  return { options, home, detach: values.detach === true, registryOnly, call };
}

/** Stops the mesh on SIGINT/SIGTERM; a second signal gives up waiting. */
export function stopOnSignals(mesh: LocalMesh): () => void {
  let count = 0;
  const onSignal = () => {
    count++;
    if (count > 1) process.exit(130);
    void mesh.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/**
 * --tls-auto (the reference's flag): a dev CA and certificates in $MCP_MESH_HOME/tls (made once,
 * then reused), and TLS on for the registry this start embeds, meshctl and the agents it runs.
 * Variables already set win, so a mesh's own certificates are never replaced.
 */
async function useDevTls(ctx: Context): Promise<void> {
  const { devCertificatesDir, writeDevCertificates } = await import("./certs.js");
  const dir = devCertificatesDir(ctx.env);
  const files = ["ca.pem", "ca-key.pem", "registry.pem", "registry-key.pem"].map((f) => join(dir, f));
  if (!files.every((f) => existsSync(f))) await writeDevCertificates(dir, []);
  const set: Record<string, string> = {
    MCP_MESH_TLS_MODE: "auto",
    MCP_MESH_TLS_CA: join(dir, "ca.pem"),
    MCP_MESH_TLS_CERT: join(dir, "registry.pem"),
    MCP_MESH_TLS_KEY: join(dir, "registry-key.pem"),
    MCP_MESH_REGISTRY_URL: "https://localhost:8000",
  };
  for (const [k, v] of Object.entries(set)) {
    if (ctx.env[k]?.trim()) continue;
    ctx.env[k] = v;
    // meshctl's own calls (mesh-fetch.ts) read process.env.
    process.env[k] = v;
  }
}

async function run(argv: string[], ctx: Context): Promise<void> {
  if (argv.includes("--tls-auto")) await useDevTls(ctx);
  const plan = startPlan(argv, ctx.env, ctx.cwd);
  if (isSupervisor(ctx.env)) return runSupervised(plan.options, plan.home);
  if (plan.detach) return detach(argv, plan, ctx);
  const { out } = ctx;
  const reporter = consoleReporter(
    out,
    plan.options.entries.map((e) => e.name),
  );
  // The agents as registered (latest per agent file), for --call and the lines to try.
  const registered = new Map<string, AgentInfo>();
  const mesh = new LocalMesh(plan.options, {
    ...reporter,
    registered: (proc, agent) => registered.set(proc.entry.name, agent),
  });
  const release = stopOnSignals(mesh);
  try {
    await mesh.startRegistry();
    await mesh.startAgents();
    if (plan.registryOnly) {
      out.err(
        out.c.dim(
          `registry ready at ${plan.options.registryUrl}; start agents with 'meshctl start <file.ts>'. Ctrl-C stops it.`,
        ),
      );
    } else {
      await afterStart(plan, [...registered.values()], mesh, ctx);
    }
    await mesh.untilDone();
  } finally {
    await mesh.stop();
    release();
  }
}

/** --call (once the agents are wired), then what to try; skipped when stopping meanwhile. */
async function afterStart(
  plan: ReturnType<typeof startPlan>,
  agents: AgentInfo[],
  mesh: LocalMesh,
  ctx: Context,
): Promise<void> {
  const { out } = ctx;
  const called = plan.call
    ? await callAfterStart(plan.call, agents, mesh.client, out, plan.options.startupTimeoutMs)
    : undefined;
  if (mesh.isStopping) return;
  const lines = tryLines({
    registryUrl: plan.options.registryUrl,
    agents,
    call: called && plan.call && { ...called, args: plan.call.args },
    meshctl: meshctlName(ctx.env),
  });
  out.err(`${out.c.green("✓")} mesh ready.${plan.options.watch ? " Watching for changes." : ""}`);
  out.err(lines.map((l) => `  ${l}`).join("\n"));
  out.err(out.c.dim("Ctrl-C stops it."));
}

export const startCommand: Command = {
  name: "start",
  summary: "run agents (.ts/.js, no build step) and a registry if none is running",
  help: `meshctl start: run TypeScript/JavaScript agents, and a registry when none answers

Usage:
  meshctl start [file.ts | file.js | dir]... [flags]

Each file runs as 'node --import tsx <file>' (TypeScript needs no build step); @mcp-mesh/sdk
and zod resolve from meshctl's own install when the agent's folder has none. A directory is one
agent project when it has package.json "main", index.ts or src/index.ts; otherwise every
.ts/.js file directly in it is an agent. With no file, only the registry starts.

When nothing answers at the registry URL, a registry starts inside meshctl (SQLite at
$MCP_MESH_HOME/mcp_mesh_registry.db). meshctl waits until every agent is registered, showing
progress, then streams their logs prefixed with each agent's name. Ctrl-C stops the agents
(they unregister) and then the registry.

Flags:
      --registry-only         start only the registry (the default with no files)
      --registry-url URL      the registry to use or start (default $MCP_MESH_REGISTRY_URL,
                              else http://localhost:8000); several comma-separated: the
                              first that answers is used, else the first is started, and
                              agents get them all
      --registry-port PORT    the same as --registry-url http://localhost:PORT
  -p, --port PORT             the agent's HTTP port (one agent only; MCP_MESH_HTTP_PORT);
                              with --registry-only, the registry's port
  -e, --env KEY=VALUE         extra environment for the agents (repeatable)
  -w, --watch                 restart an agent when a file in its folder changes
  -d, --detach                run in the background: 'meshctl stop' ends it, 'meshctl logs
                              <agent>' shows its output; state in $MCP_MESH_HOME (~/.mcp-mesh)
      --db-path PATH          database of an embedded registry (':memory:' keeps nothing)
      --startup-timeout SEC   how long to wait for each agent to register (default 30)
      --shutdown-timeout SEC  how long an agent may take to stop before SIGKILL (default 10)
      --debug                 debug logs from the agents and the registry
      --call TOOL             once the agents are registered and their dependencies wired,
                              call TOOL ("tool" or "agent:tool") of theirs through the
                              registry and print the answer; then keep running
      --call-args JSON        the arguments of --call (a JSON object)
      --tls-auto              TLS for a dev mesh: certificates from a dev CA in
                              $MCP_MESH_HOME/tls (made once, like 'meshctl certs'), the
                              registry on https://localhost:8000 (MCP_MESH_TLS_CA, _CERT,
                              _KEY and MCP_MESH_REGISTRY_URL already set win)

With a registry on this machine (localhost, 127.0.0.1), agents announce 127.0.0.1 as their
host (MCP_MESH_HTTP_HOST, unless set), so the URLs printed work as they are.

Examples:
  meshctl start hello-world.ts
  meshctl start examples/simple --watch
  meshctl start examples/simple --call hello_mesh_simple --call-args '{"who": "you"}'
  meshctl start --registry-only --port 8100
  meshctl start agent.ts --env MCP_MESH_LOG_LEVEL=debug --detach
  meshctl start agent.ts --registry-url http://localhost:8100
  meshctl start examples/simple --tls-auto`,
  run,
};
