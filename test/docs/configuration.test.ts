// The docs keep up with the code: every environment variable the packages read is documented in
// docs/configuration.md, and every relative link in docs/*.md and README.md points at a file.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CONFIG_DOC = join(ROOT, "docs/configuration.md");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** An environment variable's name, not a property like `env.providersOf`. */
const VARIABLE = /^(?:[A-Z][A-Z0-9_]*|[a-z]+(?:_[a-z0-9]+)+)$/;

/** How the packages read their environment, as `[pattern, group holding the name]`. */
const READS: RegExp[] = [
  // Anything named like ours, wherever it appears (string keys, constants, env.X lookups).
  /\b((?:MCP_MESH|MESHCTL)_[A-Z0-9_]+)\b/g,
  // env.X, env?.X, process.env.X
  /\benv\??\.([A-Za-z_][A-Za-z0-9_]*)/g,
  // env["X"], env?.["X"]
  /\benv\??\.?\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\]/g,
  // "X" in env
  /["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s+in\s+env\b/g,
  // the registry's SETTINGS table: { env: "X", ... }
  /\benv:\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]/g,
  // the SDK's config helpers: pick("X"), num("X", ...), bool("X", ...)
  /\b(?:pick|num|bool)\(\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]/g,
];

function variablesReadBy(files: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const re of READS) {
      for (const m of text.matchAll(re)) {
        const name = m[1] as string;
        if (!VARIABLE.test(name)) continue;
        const where = relative(ROOT, file);
        const list = found.get(name) ?? [];
        if (!list.includes(where)) list.push(where);
        found.set(name, list);
      }
    }
  }
  return found;
}

describe("docs/configuration.md", () => {
  const packages = readdirSync(join(ROOT, "packages")).filter((p) => existsSync(join(ROOT, "packages", p, "src")));
  const files = packages.flatMap((p) => sourceFiles(join(ROOT, "packages", p, "src")));
  const variables = variablesReadBy(files);
  const doc = readFileSync(CONFIG_DOC, "utf8");

  it("the scan finds the variables we know are read (so it cannot pass by finding nothing)", () => {
    for (const known of [
      "HOST",
      "PORT",
      "DATABASE_URL",
      "HEALTH_CHECK_INTERVAL",
      "DEFAULT_TIMEOUT_THRESHOLD",
      "MCP_MESH_REGISTRY_URL",
      "MCP_MESH_HTTP_PORT",
      "MCP_MESH_HOME",
      "NO_COLOR",
    ]) {
      expect(variables.has(known), `${known} not found in packages/*/src`).toBe(true);
    }
  });

  it("documents every environment variable the code reads, as `NAME`", () => {
    const missing = [...variables]
      .filter(([name]) => !doc.includes(`\`${name}\``))
      .map(([name, where]) => `${name} (read in ${where.join(", ")})`);
    expect(missing, "add these to docs/configuration.md").toEqual([]);
  });
});

describe("relative links in docs/*.md and README.md", () => {
  const pages = [
    join(ROOT, "README.md"),
    ...readdirSync(join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => join(ROOT, "docs", f)),
  ];

  it.each(pages.map((p) => [relative(ROOT, p), p]))("%s links to files that exist", (_name, page) => {
    const text = readFileSync(page, "utf8").replace(/```[\s\S]*?```/g, "");
    const broken: string[] = [];
    for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue; // URL or same-page anchor
      const path = decodeURIComponent(target.split("#")[0] as string);
      if (!existsSync(resolve(dirname(page), path))) broken.push(target);
    }
    expect(broken, `broken links in ${relative(ROOT, page)}`).toEqual([]);
  });
});
