// meshctl token: a fresh random registry token for a dev mesh, and the env lines that turn it
// on for the registry, the agents and meshctl alike (they all read MCP_MESH_REGISTRY_TOKEN).
import { randomBytes } from "node:crypto";
import { parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";

const OPTIONS = { json: { type: "boolean" }, quiet: { type: "boolean", short: "q" } } as const;

/** 32 random bytes, base64url: 43 characters, safe in env files, headers and shells. */
export function newToken(): string {
  return `mesh_${randomBytes(32).toString("base64url")}`;
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values } = parseCommand("token", argv, OPTIONS);
  const token = newToken();
  if (values.json) return ctx.out.out(JSON.stringify({ token, env: { MCP_MESH_REGISTRY_TOKEN: token } }));
  if (values.quiet) return ctx.out.out(token);
  ctx.out.out(`export MCP_MESH_REGISTRY_TOKEN=${token}`);
  ctx.out.err(
    [
      "",
      "Use the same line in the shell (or env file) of the registry, every agent and meshctl:",
      '  eval "$(meshctl token)"   # then: meshctl start --registry-only; meshctl start agent.ts',
      "The registry then answers 401 to anything without it. Scopes and rotation: docs/security.md.",
    ].join("\n"),
  );
}

export const tokenCommand: Command = {
  name: "token",
  summary: "generate a registry token for a dev mesh and print the env line to use",
  help: `meshctl token: generate a registry token for a dev mesh

Usage:
  meshctl token [flags]

Prints 'export MCP_MESH_REGISTRY_TOKEN=<token>' on stdout (advice on stderr), so
'eval "$(meshctl token)"' turns auth on for the registry, agents and meshctl started from that
shell. The token is 32 random bytes; nothing is stored.

Flags:
      --json      {"token": ..., "env": {...}} on stdout
  -q, --quiet     the token alone

Examples:
  eval "$(meshctl token)"
  meshctl token --quiet > .mesh-token`,
  run,
};
