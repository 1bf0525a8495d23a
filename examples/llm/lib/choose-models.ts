// Which models Maya's two providers use: a real vendor when its key is set, else a local
// ollama when one answers on 127.0.0.1:11434, else a SCRIPTED model (canned answers from
// ./scripted-maya.ts, not an LLM) so the example always runs offline. MAYA_LLM forces a choice.
import { type MayaScript, startScriptedMaya } from "./scripted-maya.js";

export interface ProviderModel {
  model: string;
  baseURL?: string;
  apiKey?: string;
}

export interface Models {
  /** What the models are, for the log line. */
  label: string;
  smart: ProviderModel;
  fast: ProviderModel;
  /** The scripted model's servers, when it is the choice. */
  scripted?: MayaScript;
}

const OLLAMA = "http://127.0.0.1:11434";

async function ollamaModel(): Promise<string | undefined> {
  try {
    const res = await fetch(`${OLLAMA}/api/tags`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { models?: Array<{ name?: string }> };
    return process.env.MAYA_OLLAMA_MODEL ?? body.models?.[0]?.name;
  } catch {
    return undefined; // nothing listens there
  }
}

async function installed(pkg: string): Promise<boolean> {
  return import(pkg).then(
    () => true,
    () => false,
  );
}

export async function chooseModels(): Promise<Models> {
  const wanted = process.env.MAYA_LLM ?? "auto";
  const auto = wanted === "auto";
  if ((auto || wanted === "anthropic") && process.env.ANTHROPIC_API_KEY) {
    if (await installed("@ai-sdk/anthropic"))
      return {
        label: "Anthropic (ANTHROPIC_API_KEY)",
        smart: { model: "anthropic/claude-sonnet-4-5" },
        fast: { model: "anthropic/claude-haiku-4-5" },
      };
    console.warn("ANTHROPIC_API_KEY is set but @ai-sdk/anthropic is not installed: npm install @ai-sdk/anthropic@3");
  }
  if ((auto || wanted === "openai") && process.env.OPENAI_API_KEY) {
    // OpenAI through the OpenAI-compatible package the SDK already has: no extra install.
    const openai = { baseURL: "https://api.openai.com/v1", apiKey: process.env.OPENAI_API_KEY };
    return {
      label: "OpenAI (OPENAI_API_KEY)",
      smart: { model: "openai-compatible/gpt-4o", ...openai },
      fast: { model: "openai-compatible/gpt-4o-mini", ...openai },
    };
  }
  if (auto || wanted === "ollama") {
    const model = await ollamaModel();
    if (model)
      return {
        label: `ollama on ${OLLAMA} (${model})`,
        smart: { model: `ollama/${model}`, baseURL: `${OLLAMA}/v1` },
        fast: { model: `ollama/${model}`, baseURL: `${OLLAMA}/v1` },
      };
  }
  const scripted = await startScriptedMaya();
  return {
    label:
      "a SCRIPTED model (canned answers, not an LLM: set ANTHROPIC_API_KEY or OPENAI_API_KEY, or run ollama, for a real one)",
    smart: { model: "openai-compatible/scripted-maya", baseURL: scripted.smartUrl },
    fast: { model: "openai-compatible/scripted-maya", baseURL: scripted.fastUrl },
    scripted,
  };
}
