// Vendor models through the AI SDK's own provider packages. `vendor/model` (LiteLLM's spelling,
// as the reference runtimes use) picks the package; the packages are optional peers, loaded on
// first use, so an agent installs only the vendor it talks to, and a missing one is a clear
// error naming the package. Any vendor accepts `baseURL` (a proxy, a gateway, a test server).
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import type { LanguageModel } from "ai";

type Env = Record<string, string | undefined>;

export interface VendorSettings {
  baseURL: string | undefined;
  apiKey: string | undefined;
  env: Env;
}

export interface VendorModel {
  /** Lower-case vendor prefix, e.g. "anthropic" (advertised as capability kwargs `vendor`). */
  vendor: string;
  modelId: string;
  /** The model string as given, e.g. "anthropic/claude-sonnet-4-5" (reported in `_mesh_usage`). */
  name: string;
  model: LanguageModel;
}

interface Vendor {
  pkg: string;
  create(mod: any, modelId: string, s: VendorSettings): LanguageModel;
}

// OpenAI-compatible local servers and their usual URLs.
const LOCAL: Record<string, string> = {
  ollama: "http://localhost:11434/v1",
  lm_studio: "http://localhost:1234/v1",
  vllm: "http://localhost:8000/v1",
};

const given = (s: VendorSettings) => ({
  ...(s.baseURL && { baseURL: s.baseURL }),
  ...(s.apiKey && { apiKey: s.apiKey }),
});

const compatible = (vendor: string): Vendor => ({
  pkg: "@ai-sdk/openai-compatible",
  create: (mod, modelId, s) => {
    const baseURL = s.baseURL ?? LOCAL[vendor];
    if (!baseURL)
      throw new MeshError(
        ErrorCodes.CONFIG_INVALID,
        `model "${vendor}/${modelId}" needs baseURL (the server's /v1 URL)`,
      );
    return mod
      .createOpenAICompatible({
        name: vendor,
        baseURL,
        ...(s.apiKey && { apiKey: s.apiKey }),
        includeUsage: true,
        supportsStructuredOutputs: true,
      })
      .chatModel(modelId);
  },
});

const VENDORS: Record<string, Vendor> = {
  anthropic: { pkg: "@ai-sdk/anthropic", create: (mod, id, s) => mod.createAnthropic(given(s))(id) },
  openai: { pkg: "@ai-sdk/openai", create: (mod, id, s) => mod.createOpenAI(given(s))(id) },
  gemini: { pkg: "@ai-sdk/google", create: (mod, id, s) => mod.createGoogleGenerativeAI(googleSettings(s))(id) },
  google: { pkg: "@ai-sdk/google", create: (mod, id, s) => mod.createGoogleGenerativeAI(googleSettings(s))(id) },
  vertex_ai: { pkg: "@ai-sdk/google-vertex", create: (mod, id, s) => mod.createVertex(given(s))(id) },
  ollama: compatible("ollama"),
  lm_studio: compatible("lm_studio"),
  vllm: compatible("vllm"),
  "openai-compatible": compatible("openai-compatible"),
};

/** The AI SDK reads GOOGLE_GENERATIVE_AI_API_KEY; Google's own tools and the Python runtime use these too. */
function googleSettings(s: VendorSettings) {
  const apiKey = s.apiKey ?? s.env.GOOGLE_GENERATIVE_AI_API_KEY ?? s.env.GEMINI_API_KEY ?? s.env.GOOGLE_API_KEY;
  return { ...given(s), ...(apiKey && { apiKey }) };
}

export const VENDOR_NAMES = Object.keys(VENDORS);

/** `vendor/model` split; a problem (for the agent's start-up report) when it is not usable. */
export function parseModel(model: string): { vendor: string; modelId: string } | { problem: string } {
  const slash = model.indexOf("/");
  const vendor = slash > 0 ? model.slice(0, slash).toLowerCase() : "";
  const modelId = slash > 0 ? model.slice(slash + 1) : "";
  if (!vendor || !modelId)
    return { problem: `model "${model}" must be "vendor/model", e.g. "anthropic/claude-sonnet-4-5"` };
  if (!VENDORS[vendor])
    return { problem: `model "${model}": unknown vendor "${vendor}" (known: ${VENDOR_NAMES.join(", ")})` };
  return { vendor, modelId };
}

const modules = new Map<string, Promise<unknown>>();

/** The vendor's LanguageModel; MeshError `llm_vendor_missing` when its package is not installed. */
export async function loadModel(model: string, settings: VendorSettings): Promise<VendorModel> {
  const parsed = parseModel(model);
  if ("problem" in parsed) throw new MeshError(ErrorCodes.CONFIG_INVALID, parsed.problem);
  const vendor = VENDORS[parsed.vendor] as Vendor;
  let loading = modules.get(vendor.pkg);
  if (!loading) {
    loading = importPackage(vendor.pkg);
    modules.set(vendor.pkg, loading);
    loading.catch(() => modules.delete(vendor.pkg));
  }
  const mod = await loading;
  return {
    vendor: parsed.vendor,
    modelId: parsed.modelId,
    name: model,
    model: vendor.create(mod, parsed.modelId, settings),
  };
}

async function importPackage(pkg: string): Promise<unknown> {
  try {
    // A variable specifier: the vendor packages are optional peers, not needed to build.
    return await import(pkg);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    // Node says ERR_MODULE_NOT_FOUND; bundlers and test runners (Vite) say "Could not resolve".
    const message = String(err.message);
    const notFound =
      err.code === "ERR_MODULE_NOT_FOUND" || /Could not resolve|Cannot find (package|module)/.test(message);
    // The package itself, quoted: a module missing inside it (its own dependency) is another problem.
    if (notFound && (message.includes(`'${pkg}'`) || message.includes(`"${pkg}"`)))
      throw new MeshError(
        ErrorCodes.LLM_VENDOR_MISSING,
        `the AI SDK provider package ${pkg} is not installed: npm install ${pkg}@${PEER_RANGES[pkg] ?? "latest"}`,
        { package: pkg },
      );
    throw e;
  }
}

// The majors that match the `ai` package this SDK uses (v6, @ai-sdk/provider 3).
const PEER_RANGES: Record<string, string> = {
  "@ai-sdk/anthropic": "3",
  "@ai-sdk/openai": "3",
  "@ai-sdk/google": "3",
  "@ai-sdk/google-vertex": "4",
  "@ai-sdk/openai-compatible": "2",
};
