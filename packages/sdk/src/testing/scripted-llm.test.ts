import { afterEach, describe, expect, it } from "vitest";
import { type ScriptedLlm, startScriptedLlm } from "./scripted-llm.js";

let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

/** A response whose JSON the assertions index into freely (Node's fetch types it `unknown`). */
type JsonResponse = Omit<Response, "json"> & { json(): Promise<any> };

async function post(body: unknown): Promise<JsonResponse> {
  return fetch(`${llm?.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

function sseEvents(text: string): unknown[] {
  return text
    .split("\n\n")
    .filter((e) => e.startsWith("data: ") && e !== "data: [DONE]")
    .map((e) => JSON.parse(e.slice(6)));
}

describe("scripted model", () => {
  it("answers turns in order, buffered, and records what it was sent", async () => {
    llm = await startScriptedLlm({
      script: [
        { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] },
        { text: "5", usage: { prompt_tokens: 7, completion_tokens: 1 } },
      ],
    });
    const first = await (
      await post({
        model: "m",
        messages: [{ role: "user", content: "2+3?" }],
        tools: [{ type: "function", function: { name: "add" } }],
      })
    ).json();
    expect(first.choices[0].finish_reason).toBe("tool_calls");
    expect(first.choices[0].message.tool_calls[0].function).toEqual({ name: "add", arguments: '{"a":2,"b":3}' });
    const second = await (
      await post({ messages: [{ role: "user", content: "again" }], response_format: { type: "json_object" } })
    ).json();
    expect(second.choices[0].message.content).toBe("5");
    expect(second.usage).toEqual({ prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 });
    expect(llm.requests.map((r) => r.messages[0]?.content)).toEqual(["2+3?", "again"]);
    expect(llm.requests[0]?.tools?.[0]).toEqual({ type: "function", function: { name: "add" } });
    expect(llm.requests[1]?.response_format).toEqual({ type: "json_object" });
  });

  it("streams text and tool-call deltas as OpenAI does, with usage when asked", async () => {
    llm = await startScriptedLlm({
      script: [{ text: "Hello big world" }, { toolCalls: [{ name: "f", arguments: { x: 1 }, id: "c1" }] }],
    });
    const text = await (await post({ messages: [], stream: true, stream_options: { include_usage: true } })).text();
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    const events = sseEvents(text) as Array<{
      choices: Array<{ delta: { content?: string }; finish_reason: string | null }>;
      usage?: unknown;
    }>;
    expect(events.map((e) => e.choices[0]?.delta.content ?? "").join("")).toBe("Hello big world");
    expect(events.at(-2)?.choices[0]?.finish_reason).toBe("stop");
    expect(events.at(-1)?.usage).toEqual({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 });
    const calls = sseEvents(await (await post({ messages: [], stream: true })).text()) as Array<{
      choices: Array<{
        delta: { tool_calls?: Array<{ id?: string; function: { name?: string; arguments: string } }> };
      }>;
    }>;
    const deltas = calls.flatMap((e) => e.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]?.id).toBe("c1");
    expect(deltas[0]?.function.name).toBe("f");
    expect(deltas.map((d) => d.function.arguments).join("")).toBe('{"x":1}');
  });

  it("answers scripted errors, an exhausted script and bad bodies with OpenAI-style errors", async () => {
    llm = await startScriptedLlm({ script: [{ error: "rate limited", status: 429 }] });
    const limited = await post({ messages: [] });
    expect(limited.status).toBe(429);
    expect((await limited.json()).error.message).toBe("rate limited");
    const exhausted = await post({ messages: [] });
    expect(exhausted.status).toBe(500);
    expect((await exhausted.json()).error.message).toMatch(/no turn left/);
    const bad = await fetch(`${llm.url}/chat/completions`, { method: "POST", body: "not json" });
    expect(bad.status).toBe(400);
    const models = await ((await fetch(`${llm.url}/models`)) as JsonResponse).json();
    expect(models.data[0].id).toBe("scripted-model");
  });

  it("lets a step see the request it answers", async () => {
    llm = await startScriptedLlm();
    llm.push((req) => ({ text: `you said ${String(req.messages.at(-1)?.content)}` }));
    const answer = await (await post({ messages: [{ role: "user", content: "hi" }] })).json();
    expect(answer.choices[0].message.content).toBe("you said hi");
    expect(llm.remaining).toBe(0);
  });
});
