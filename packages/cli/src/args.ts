// Flag parsing for every command: node:util parseArgs in strict mode, with its errors turned
// into one-line usage errors that name the command and where to look.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { usageError } from "./errors.js";

interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}
type Options = Record<string, OptionSpec>;

/** The parsed values of `T`: booleans, strings, or string arrays for `multiple` options. */
export type Values<T extends Options> = {
  [K in keyof T]?: T[K] extends { type: "boolean" } ? boolean : T[K] extends { multiple: true } ? string[] : string;
} & { help?: boolean };

/** Flags every command that talks to a registry accepts (the reference's names). */
export const REGISTRY_OPTIONS = {
  "registry-url": { type: "string" },
  "registry-host": { type: "string" },
  "registry-port": { type: "string" },
} as const satisfies Options;

/** The help lines for REGISTRY_OPTIONS, shared by every command's --help. */
export const REGISTRY_HELP = `      --registry-url URL registry (default $MCP_MESH_REGISTRY_URL, else http://localhost:8000);
                         several comma-separated (replicas) are tried in order
      --registry-host H, --registry-port P   the same, in parts
`;

export function parseCommand<const T extends Options>(
  command: string,
  argv: string[],
  options: T,
): { values: Values<T>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } } as ParseArgsConfig["options"],
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Values<T>, positionals: parsed.positionals };
  } catch (e) {
    const err = e as Error & { code?: string };
    const flag = /'(-[^']*)'/.exec(err.message)?.[1];
    const what =
      err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? `unknown option ${flag ?? ""}`
        : err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
          ? `option ${flag ?? ""} needs a value`
          : err.message;
    throw usageError(`${what.trim()} for 'meshctl ${command}' (see 'meshctl ${command} --help')`);
  }
}

/** A positive integer flag, or the default; anything else is a usage error naming the flag. */
export function intOption(value: string | undefined, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw usageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}
