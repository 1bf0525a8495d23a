// What `meshctl start` runs for each argument: a .ts/.js file is one agent; a directory is one
// agent project when it has an entry point (package.json "main", index.ts, src/index.ts, ...),
// otherwise every agent-looking file directly inside it (examples/simple: two agents).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { usageError } from "./errors.js";

export interface AgentEntry {
  /** Short name for log prefixes, `meshctl logs` and `meshctl stop`. */
  name: string;
  file: string;
  /** Directory whose changes restart the agent under --watch. */
  watchRoot: string;
}

const RUNNABLE = new Set([".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"]);
const ENTRY_CANDIDATES = [
  "index.ts",
  "src/index.ts",
  "main.ts",
  "src/main.ts",
  "index.js",
  "index.mjs",
  "src/index.js",
];

export function isAgentFile(name: string): boolean {
  return RUNNABLE.has(extname(name)) && !/\.(test|spec|config|d)\.[cm]?[jt]s$/.test(name) && !name.startsWith(".");
}

export function resolveAgentEntries(args: string[], cwd: string): AgentEntry[] {
  const entries = args.flatMap((arg) => entriesFor(resolve(cwd, arg), arg));
  // Two hello.ts in different folders still need names that tell them apart.
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const n = (seen.get(e.name) ?? 0) + 1;
    seen.set(e.name, n);
    return n === 1 ? e : { ...e, name: `${e.name}-${n}` };
  });
}

function entriesFor(path: string, arg: string): AgentEntry[] {
  if (!existsSync(path)) throw usageError(`no such file or directory: ${arg}`);
  if (!statSync(path).isDirectory()) {
    if (!RUNNABLE.has(extname(path))) {
      throw usageError(
        `${arg} is not a TypeScript or JavaScript file (.ts, .mts, .js, .mjs): meshctl runs those directly`,
      );
    }
    return [{ name: nameOf(path), file: path, watchRoot: dirname(path) }];
  }
  const entry = projectEntry(path);
  if (entry) return [{ name: packageName(path) ?? basename(path), file: entry, watchRoot: path }];
  const files = readdirSync(path)
    .filter(isAgentFile)
    .sort()
    .map((f) => join(path, f));
  if (files.length === 0) {
    throw usageError(`${arg} has no agent to run: expected .ts/.js files, an index.ts, or a package.json "main"`);
  }
  return files.map((file) => ({ name: nameOf(file), file, watchRoot: path }));
}

function projectEntry(dir: string): string | undefined {
  const main = readPackage(dir)?.main;
  if (typeof main === "string" && existsSync(join(dir, main))) return join(dir, main);
  return ENTRY_CANDIDATES.map((c) => join(dir, c)).find((f) => existsSync(f));
}

function packageName(dir: string): string | undefined {
  const name = readPackage(dir)?.name;
  return typeof name === "string" && name ? (name.split("/").pop() ?? name) : undefined;
}

function readPackage(dir: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function nameOf(file: string): string {
  const base = basename(file, extname(file));
  return base === "index" || base === "main" ? basename(dirname(file)) : base;
}
