// System prompt templates (LLM-WIRE.md §2.6). Nunjucks, because it is Jinja2's syntax: prompts
// written for the Python runtime's `.jinja2` files carry over unchanged. A template is compiled
// once, when the tool is declared; each call only renders it with that call's context.
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import nunjucks from "nunjucks";

export interface PromptTemplate {
  /** Where it came from, for messages ("inline" or the file path). */
  readonly source: string;
  render(context: Record<string, unknown>): string;
}

/** The Python runtime's default when a tool declares no prompt. */
export const DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant.";

/**
 * The agent's package root: the nearest directory holding a package.json, searching up from the
 * entry script (process.argv[1]); the working directory when there is no entry script, when the
 * entry is a tool's under node_modules (a test runner, tsx, meshctl) or when no package.json is found.
 */
export function packageRoot(entry: string | undefined = process.argv[1], cwd = process.cwd()): string {
  if (!entry || /[\\/]node_modules[\\/]/.test(entry)) return cwd;
  let dir = dirname(resolve(cwd, entry));
  for (;;) {
    if (existsSync(resolve(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return cwd;
    dir = up;
  }
}

/** `file://x`, or a bare path ending .jinja2/.j2/.njk (as the Python runtime accepts), names a file. */
export function templateFile(prompt: string): string | undefined {
  if (prompt.startsWith("file://")) return prompt.slice("file://".length);
  if (/\.(jinja2|j2|njk)$/.test(prompt) && !/\s/.test(prompt)) return prompt;
  return undefined;
}

/** Compiles the prompt (problems are reported, not thrown, like every declaration problem). */
export function compilePrompt(
  prompt: string | undefined,
  root: string,
  where: string,
  problems: string[],
): PromptTemplate {
  const text = prompt ?? DEFAULT_SYSTEM_PROMPT;
  const file = templateFile(text);
  try {
    if (file !== undefined) {
      const path = isAbsolute(file) ? file : resolve(root, file);
      if (!existsSync(path)) {
        problems.push(`${where}: systemPrompt file not found: ${path} (relative paths start at ${root})`);
        return constant(text);
      }
      // Includes and extends resolve next to the template, as with Jinja2's FileSystemLoader.
      const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dirname(path)), { autoescape: false });
      // Jinja2 drops the one newline that ends a template file (keep_trailing_newline=False).
      const source = readFileSync(path, "utf8").replace(/\r?\n$/, "");
      const template = new nunjucks.Template(source, env, path, true);
      return { source: path, render: (ctx) => template.render(ctx) };
    }
    const template = new nunjucks.Template(
      text,
      new nunjucks.Environment(null, { autoescape: false }),
      undefined,
      true,
    );
    return { source: "inline", render: (ctx) => template.render(ctx) };
  } catch (err) {
    problems.push(`${where}: systemPrompt is not a valid template: ${(err as Error).message}`);
    return constant(text);
  }
}

function constant(text: string): PromptTemplate {
  return { source: "inline", render: () => text };
}

/** The template's context: the `contextParam` argument (its fields, or itself under its name) and the call's. */
export function promptContext(
  args: Record<string, unknown>,
  contextParam: string | undefined,
  runtime: Record<string, unknown> | undefined,
): Record<string, unknown> {
  let base: Record<string, unknown> = {};
  if (contextParam !== undefined && args[contextParam] !== undefined) {
    const v = args[contextParam];
    base = v !== null && typeof v === "object" && !Array.isArray(v) ? { ...(v as object) } : { [contextParam]: v };
  }
  return { ...base, ...(runtime ?? {}) };
}
