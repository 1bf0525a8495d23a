// The values the topology generator (topology.ts) draws from: capability names, provider
// versions, version constraints and tags, each chosen to exercise a rule in PROTOCOL.md §2.
// Index = rank. Required edges only point from a lower-ranked capability to a higher-ranked
// one, so the required-dependency graph is acyclic (the reference rejects cycles, §2.7).
export const SERVICE_CAPS = [
  "auth",
  "billing.invoice",
  "billing.refund",
  "catalog",
  "geo.lookup",
  "media.caption",
  "media.thumbnail",
  "search",
  "storage.blob",
  "weather",
  "date_service",
  "translate",
  "notify.email",
  "notify.sms",
  "pricing",
  "inventory",
  "recommend",
  "audit-log",
] as const;
// Providers of these get unique, valid semver versions: best_match picks "highest version, then
// more tags, then first in DB order", and unique versions keep that choice independent of
// storage order (which is implementation-defined).
export const TOOL_CAPS = ["kb.search", "kb.fetch", "calc.add", "calc.mul"] as const;
export const RANKED_CAPS: readonly string[] = [...SERVICE_CAPS, ...TOOL_CAPS];
export const LLM_CAP = "llm";
// Never provided: "Search" also checks that capability matching is case-sensitive.
export const GHOST_CAPS = ["ghost-cap", "weather-v9", "Search"];
// Includes prereleases and odd strings (v-prefix, partial, build metadata, leading zero,
// unparseable, empty); `undefined` = field omitted (registry default "1.0.0").
export const VERSIONS: readonly (string | undefined)[] = [
  "1.0.0",
  "1.0.5",
  "1.1.0",
  "1.2.0",
  "1.2.3",
  "1.5.0",
  "2.0.0",
  "2.1.0",
  "0.9.0",
  "3.0.0",
  "2.0.0-beta.1",
  "1.3.0-rc.1",
  "1.0.0-alpha",
  "v1.2.0",
  "1.2",
  "1.0.0+build.7",
  "latest",
  "",
  "01.2.3",
  undefined,
];
// Masterminds/semver syntaxes from §2.3, plus unsatisfiable and unparseable ones.
export const CONSTRAINTS = [
  ">=1.0.0",
  "^1.0.0",
  "~1.2",
  "1.x",
  "!=1.0.5",
  ">=1.0, <2.0",
  "1.0.0 - 1.5.0",
  "1.2.3 || 2.0.0",
  "*",
  "^2.0.0-0",
  ">1.1.0",
  "1.0",
  "~1.0.0",
  "=1.2.3",
  "<1.0.0",
  ">=9.0.0",
  "2.x || 3.x",
  "bogus!!",
  "1.2.0",
  ">= 1.1",
  "^0.9",
  "latest",
];
export const TAGS = [
  "python",
  "typescript",
  "java",
  "fast",
  "slow",
  "gpu",
  "prod",
  "staging",
  "deprecated",
  "eu",
  "us",
  "beta",
];
export const LLM_VENDORS: Record<string, string> = {
  claude: "anthropic",
  gpt: "openai",
  gemini: "google",
  llama: "meta",
};
export const LLM_EXTRA_TAGS = ["fast", "cheap", "large", "eu", "us", "deprecated"];
