// What `meshctl start` does once its agents are registered: with --call, one call to a tool of
// those agents (after their dependencies are wired), and then the commands and URLs to try.
import { readFileSync } from "node:fs";
import type { AgentInfo } from "./agent-info.js";
import { userCapabilities } from "./agent-info.js";
import { findTool } from "./agent-match.js";
import { formatResult, toolFailure } from "./commands/call.js";
import { callTool } from "./mcp-call.js";
import type { Output } from "./output.js";
import type { RegistryClient } from "./registry-client.js";
import { DEFAULT_REGISTRY_URL } from "./registry-url.js";

export interface StartCall {
  /** "tool" or "agent:tool", looked up among the agents this meshctl started. */
  spec: string;
  args: Record<string, unknown>;
}

const POLL_MS = 200;
/** The registry pushes new wiring to the agent as it records it; give the agent that moment. */
const APPLY_MS = 300;

/** Waits until the registry shows every dependency of the agent resolved; false on timeout. */
export async function waitWired(
  client: RegistryClient,
  agentId: string,
  timeoutMs: number,
): Promise<{ wired: boolean; agent: AgentInfo | undefined }> {
  const deadline = Date.now() + timeoutMs;
  let agent: AgentInfo | undefined;
  for (;;) {
    agent = (await client.agents().catch(() => [] as AgentInfo[])).find((a) => a.id === agentId) ?? agent;
    const total = agent?.total_dependencies ?? 0;
    if (agent && (agent.dependencies_resolved ?? 0) >= total) return { wired: true, agent };
    if (Date.now() >= deadline) return { wired: false, agent };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Calls the tool through the registry proxy once its agent is wired and prints the answer on
 * stdout, set apart from the agents' logs. Failures are reported, not thrown: the mesh stays up.
 * Returns the agent that answered, for the lines to try.
 */
export async function callAfterStart(
  call: StartCall,
  ours: AgentInfo[],
  client: RegistryClient,
  out: Output,
  waitMs: number,
): Promise<{ agent: AgentInfo; tool: string } | undefined> {
  const { c } = out;
  let target: ReturnType<typeof findTool>;
  try {
    target = findTool(ours, call.spec);
  } catch (e) {
    out.err(`${c.red("✗")} --call ${call.spec}: ${(e as Error).message}`);
    return undefined;
  }
  const { agent } = target;
  const tool = target.tool.function_name;
  const total = agent.total_dependencies ?? 0;
  if (total > 0) {
    const before = Date.now();
    const { wired, agent: now } = await waitWired(client, agent.id, waitMs);
    if (!wired) {
      out.err(
        `${c.yellow("!")} ${agent.name}'s dependencies are not all wired after ${waitMs / 1000} s (${now?.dependencies_resolved ?? 0}/${total} resolved; 'meshctl status ${agent.name}' says why): calling ${tool} anyway`,
      );
    } else {
      out.err(
        `${c.green("✓")} ${agent.name}'s dependencies wired (${total}/${total}, ${((Date.now() - before) / 1000).toFixed(1)} s)`,
      );
      await new Promise((r) => setTimeout(r, APPLY_MS));
    }
  }
  const url = `${client.url}/proxy/${agent.endpoint.replace(/^https?:\/\//, "")}/mcp`;
  try {
    const response = await callTool({ url, tool, args: call.args, timeoutMs: 30_000 });
    const failure = toolFailure(tool, response);
    if (failure) throw failure;
    const text = formatResult(response.result ?? {}, c);
    out.err(`${c.green("✓")} called ${tool} on ${agent.id} through the registry:`);
    out.out(`\n  ${c.bold(c.green(text.split("\n").join("\n  ")))}\n\n`);
  } catch (e) {
    out.err(`${c.red("✗")} --call ${tool} on ${agent.id}: ${(e as Error).message}`);
  }
  return { agent, tool };
}

/** Single-quoted for a POSIX shell. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * How the person runs meshctl from another shell. From an npm script of a project that has a
 * "meshctl" script (meshctl scaffold writes one): through it, since `npx meshctl` fetches an
 * unrelated npm package wherever ours is not installed. From another npm script (this
 * repository's `npm run demo`, where npx finds the workspace's meshctl): npx.
 */
export function meshctlName(env: NodeJS.ProcessEnv): string {
  if (!(env.npm_lifecycle_event || env.npm_command)) return "meshctl";
  return hasMeshctlScript(env.npm_package_json) ? "npm run meshctl --" : "npx meshctl";
}

function hasMeshctlScript(packageJson: string | undefined): boolean {
  if (!packageJson) return false;
  try {
    const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as { scripts?: Record<string, unknown> };
    return pkg.scripts?.meshctl === "meshctl";
  } catch {
    return false;
  }
}

export interface TryInput {
  registryUrl: string;
  /** The agents this meshctl started, as registered. */
  agents: AgentInfo[];
  /** The tool to suggest calling, with its arguments (the --call, else the first tool found). */
  call?: { tool: string; agent: AgentInfo; args: Record<string, unknown> } | undefined;
  meshctl: string;
}

/** The commands and URLs to try against the running mesh, one per line. Pure. */
export function tryLines(input: TryInput): string[] {
  const { registryUrl, agents } = input;
  const registryFlag = registryUrl === DEFAULT_REGISTRY_URL ? "" : ` --registry-url ${registryUrl}`;
  const cmd = (rest: string) => `${input.meshctl} ${rest}${registryFlag}`;
  const first = agents.find((a) => userCapabilities(a).length > 0);
  const call =
    input.call ??
    (first && {
      tool: userCapabilities(first)[0]?.function_name ?? "",
      agent: first,
      args: {} as Record<string, unknown>,
    });
  const argText = call && Object.keys(call.args).length > 0 ? ` ${shellQuote(JSON.stringify(call.args))}` : "";
  const width = Math.max(8, ...agents.map((a) => a.name.length));
  // Over TLS curl needs the mesh's CA, and a client certificate where one is required; the shell
  // that ran `eval "$(meshctl certs)"` has all three.
  const curl = (url: string) =>
    url.startsWith("https:")
      ? `curl -s --cacert "$MCP_MESH_TLS_CA" --cert "$MCP_MESH_TLS_CERT" --key "$MCP_MESH_TLS_KEY" ${url}`
      : `curl -s ${url}`;
  const lines = [
    "Try it, from another shell:",
    `  ${cmd("list")}`,
    ...(call ? [`  ${cmd(`call ${call.tool}${argText}`)}`, `  ${cmd(`status ${call.agent.name}`)}`] : []),
    `  ${curl(`${registryUrl}/agents`)}`,
  ];
  if (call && /^https?:\/\//.test(call.agent.endpoint)) {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: call.tool, arguments: call.args },
    });
    lines.push(
      `  ${curl(`${call.agent.endpoint}/mcp`)} -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' -d ${shellQuote(body)}`,
    );
  }
  lines.push(`${"registry".padEnd(width)}  ${registryUrl}`);
  for (const a of agents) {
    // A web app (agent_type api) serves its own routes, not MCP.
    if (a.agent_type === "api") {
      lines.push(`${a.name.padEnd(width)}  ${a.endpoint}  (web app, consumer only)`);
      continue;
    }
    const mcp = /^https?:\/\//.test(a.endpoint) ? `${a.endpoint}/mcp` : a.endpoint;
    lines.push(`${a.name.padEnd(width)}  ${mcp}  (MCP, streamable HTTP)`);
  }
  return lines;
}
