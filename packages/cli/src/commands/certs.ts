// meshctl certs [agent...]: a dev CA and the certificates it signs (registry, meshctl, one per
// named agent) written to a directory, and the env lines that turn TLS on. The CA is kept and
// reused on later runs, so agents added later join the same mesh; --force makes a new one.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { intOption, parseCommand } from "../args.js";
import type { Command, Context } from "../context.js";
import { usageError } from "../errors.js";
import { meshHome } from "../state-dir.js";

const OPTIONS = {
  dir: { type: "string", short: "d" },
  host: { type: "string", multiple: true },
  days: { type: "string" },
  strict: { type: "boolean" },
  force: { type: "boolean" },
  json: { type: "boolean" },
} as const;

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "::1"];
/** File names, and CNs (the identity the registry and agents see): letters, digits, . - _ */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

interface Written {
  name: string;
  cert: string;
  key: string;
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  // An existing file keeps its mode on write: a key must never stay world-readable.
  chmodSync(path, 0o600);
}

function envLines(mode: string, ca: string, w: Written, registryUrl?: string): string[] {
  return [
    `export MCP_MESH_TLS_MODE=${mode}`,
    `export MCP_MESH_TLS_CA=${ca}`,
    `export MCP_MESH_TLS_CERT=${w.cert}`,
    `export MCP_MESH_TLS_KEY=${w.key}`,
    ...(registryUrl ? [`export MCP_MESH_REGISTRY_URL=${registryUrl}`] : []),
  ];
}

export interface DevCertificates {
  dir: string;
  ca: string;
  reused: boolean;
  /** registry, meshctl, then the agents asked for. */
  written: Written[];
}

/**
 * Writes (or reuses) the CA in `dir` and certificates for the registry, meshctl and `agents`.
 * Also what `meshctl start --tls-auto` uses.
 */
export async function writeDevCertificates(
  dir: string,
  agents: string[],
  opts: { hosts?: string[]; days?: number; force?: boolean } = {},
): Promise<DevCertificates> {
  const days = opts.days ?? 30;
  const hosts = [...LOCAL_HOSTS, ...(opts.hosts ?? [])];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Loaded here: WebCrypto X.509 and its polyfill only for the commands that make certificates.
  const { createCa, issueCert, loadCa } = await import("../dev-certs.js");
  const caFile = join(dir, "ca.pem");
  const caKeyFile = join(dir, "ca-key.pem");
  const reused = !opts.force && existsSync(caFile) && existsSync(caKeyFile);
  const ca = reused
    ? await loadCa(readFileSync(caFile, "utf8"), readFileSync(caKeyFile, "utf8"))
    : await (async () => {
        const made = await createCa("MCP Mesh dev CA", Math.max(days, 365));
        writeFileSync(caFile, made.pem.cert);
        writeSecret(caKeyFile, made.pem.key);
        return made;
      })();
  const written: Written[] = [];
  for (const name of ["registry", "meshctl", ...new Set(agents)]) {
    const pem = await issueCert(ca, name, hosts, days);
    const w = { name, cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) };
    writeFileSync(w.cert, pem.cert);
    writeSecret(w.key, pem.key);
    written.push(w);
  }
  return { dir, ca: caFile, reused, written };
}

/** The default directory: $MCP_MESH_HOME/tls, where the reference's --tls-auto keeps its CA too. */
export function devCertificatesDir(env: NodeJS.ProcessEnv): string {
  return join(meshHome(env), "tls");
}

async function run(argv: string[], ctx: Context): Promise<void> {
  const { values, positionals } = parseCommand("certs", argv, OPTIONS);
  const days = intOption(values.days, "days", 30, 1);
  const bad = positionals.find((n) => !NAME.test(n) || ["ca", "registry", "meshctl"].includes(n));
  if (bad !== undefined)
    throw usageError(
      `agent name '${bad}' cannot name a certificate: use letters, digits, '.', '-', '_' (and not ca, registry, meshctl)`,
    );
  const hosts = [...LOCAL_HOSTS, ...(values.host ?? [])];
  const dir = resolve(ctx.cwd, values.dir ?? devCertificatesDir(ctx.env));
  const made = await writeDevCertificates(dir, positionals, {
    hosts: values.host ?? [],
    days,
    force: values.force === true,
  });
  const { written, reused: reuse, ca: caFile } = made;
  const mode = values.strict ? "strict" : "auto";
  const registry = written[0] as Written;
  const registryUrl = "https://localhost:8000";
  if (values.json) {
    ctx.out.out(
      JSON.stringify({ dir, mode, ca: caFile, caReused: reuse, registryUrl, certificates: written }, null, 2),
    );
    return;
  }
  // stdout: one shell's env, for eval. The registry's certificate serves the registry that
  // `meshctl start` embeds, and is the client certificate of meshctl and the agents it starts.
  ctx.out.out(envLines(mode, caFile, registry, registryUrl).join("\n"));
  const agents = written.slice(2);
  ctx.out.err(
    [
      "",
      `${reuse ? "Reused the CA" : "Made a new CA"} in ${dir}; certificates valid ${days} days for ${hosts.join(", ")}.`,
      'In one shell: eval "$(meshctl certs)", then meshctl start --registry-only; meshctl start agent.ts',
      "An agent in its own shell, with its own identity:",
      ...(agents.length > 0 ? agents : [{ name: "<agent>", cert: join(dir, "<agent>.pem"), key: "…" }]).map(
        (w) => `  ${w.name}: MCP_MESH_TLS_CERT=${w.cert} MCP_MESH_TLS_KEY=${w.key} MCP_MESH_TLS_CA=${caFile}`,
      ),
      `meshctl alone (strict registries want its certificate): MCP_MESH_TLS_CERT=${join(dir, "meshctl.pem")}`,
      "More: docs/security.md, TLS and mTLS.",
    ].join("\n"),
  );
}

export const certsCommand: Command = {
  name: "certs",
  summary: "generate a dev CA and certificates (registry, meshctl, agents) and print the TLS env",
  help: `meshctl certs: generate certificates for a dev mesh over TLS (mTLS)

Usage:
  meshctl certs [agent-name...] [flags]

Writes to the directory (default $MCP_MESH_HOME/tls, i.e. ~/.mcp-mesh/tls):
  ca.pem, ca-key.pem            the dev CA (kept and reused by later runs; --force makes a new one)
  registry.pem, registry-key.pem
  meshctl.pem, meshctl-key.pem
  <agent>.pem, <agent>-key.pem  one per name given; its CN is the agent's identity at the registry
Every certificate is valid for localhost, 127.0.0.1 and ::1 (and --host names), as server and
as client. Keys are written 0600. Prints the env lines for one shell on stdout (advice on
stderr), so 'eval "$(meshctl certs)"' turns TLS on for the registry, meshctl and agents started
from that shell.

Flags:
  -d, --dir DIR       where to write (default $MCP_MESH_HOME/tls)
      --host NAME     another DNS name or IP the certificates are valid for (repeatable)
      --days N        validity of the certificates (default 30; the CA: at least 365)
      --strict        print MCP_MESH_TLS_MODE=strict (client certificates required) instead of auto
      --force         make a new CA even if the directory has one
      --json          the files written, as JSON

Examples:
  eval "$(meshctl certs)"
  meshctl certs hello-world system-agent --dir ./certs --host registry.local`,
  run,
};
