// The scripted stand-in for Maya's models (startScriptedLlm from @mcp-mesh/sdk/testing): it
// answers from what it is sent, endlessly. "smart" asks recall_memories with the user's words,
// then answers from the memories it got back; "fast" classifies the message by keywords. Every
// answer says it is scripted.
import { type RecordedRequest, type ScriptedTurn, startScriptedLlm } from "@mcp-mesh/sdk/testing";

export interface MayaScript {
  smartUrl: string;
  fastUrl: string;
  close(): Promise<void>;
}

const text = (m: Record<string, unknown> | undefined) => (typeof m?.content === "string" ? m.content : "");

function smart(req: RecordedRequest): ScriptedTurn {
  const last = req.messages.at(-1);
  const canRecall = req.tools?.some((t) => (t.function as { name?: string })?.name === "recall_memories");
  if (last?.role === "user" && canRecall)
    return { toolCalls: [{ name: "recall_memories", arguments: { query: text(last) } }] };
  if (last?.role === "tool") {
    let memories: string[] = [];
    try {
      memories = (JSON.parse(text(last)) as { memories?: string[] }).memories ?? [];
    } catch {
      // not the memory tool's JSON: answer without
    }
    return { text: `[scripted model] Oh, I remember! ${memories.join(" ")}` };
  }
  return { text: "[scripted model] Tell me more." };
}

const FEELINGS: Array<[RegExp, string]> = [
  [/remember|used to|back then|trip|old days/i, "nostalgic"],
  [/happy|great|love|wonderful/i, "joyful"],
  [/sad|miss|lost/i, "sad"],
  [/worried|afraid|nervous/i, "anxious"],
  [/angry|hate|furious/i, "angry"],
];

function fast(req: RecordedRequest): ScriptedTurn {
  const message = text(req.messages.filter((m) => m.role === "user").at(-1));
  const emotion = FEELINGS.find(([re]) => re.test(message))?.[1] ?? "neutral";
  return {
    json: {
      emotion,
      intensity: emotion === "neutral" ? 0.1 : 0.7,
      reason: `[scripted model] keywords of "${message.slice(0, 60)}"`,
    },
  };
}

/** Starts both scripted models; each step puts itself back, so the script never runs out. */
export async function startScriptedMaya(): Promise<MayaScript> {
  const [s, f] = await Promise.all([
    startScriptedLlm({ model: "scripted-maya" }),
    startScriptedLlm({ model: "scripted-maya" }),
  ]);
  const forever = (model: typeof s, answer: (req: RecordedRequest) => ScriptedTurn) => {
    const step = (req: RecordedRequest) => {
      model.push(step);
      return answer(req);
    };
    model.push(step);
  };
  forever(s, smart);
  forever(f, fast);
  return { smartUrl: s.url, fastUrl: f.url, close: async () => void (await Promise.all([s.close(), f.close()])) };
}
