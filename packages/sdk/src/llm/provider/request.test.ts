import { describe, expect, it } from "vitest";
import { readParams, resolveMaxIterations } from "./request.js";

describe("model_params as the provider reads them", () => {
  it("caps the loop as LLM-WIRE §2.4 says: a present value wins even when invalid, else the env, else 10", () => {
    expect(resolveMaxIterations({ max_iterations: 3.9 }, { MESH_LLM_MAX_ITERATIONS: "7" })).toBe(3);
    expect(resolveMaxIterations({ max_iterations: 0.5 }, { MESH_LLM_MAX_ITERATIONS: "7" })).toBe(10);
    expect(resolveMaxIterations({ max_iterations: "x" }, { MESH_LLM_MAX_ITERATIONS: "7" })).toBe(10);
    expect(resolveMaxIterations({}, { MESH_LLM_MAX_ITERATIONS: "7" })).toBe(7);
    expect(resolveMaxIterations({}, { MESH_LLM_MAX_ITERATIONS: "-1" })).toBe(10);
    expect(resolveMaxIterations({ max_iterations: null }, {})).toBe(10);
  });

  it("maps sampling keys, lets the consumer beat the provider's defaults, and drops what it does not know", () => {
    const p = readParams(
      {
        temperature: 0.1,
        stop: "END",
        top_k: 5,
        response_format: { type: "json_object" },
        seed: "not a number",
        model: "default",
      },
      { temperature: 0.9, maxTokens: 100, presence_penalty: 0.5 },
      {},
    );
    expect(p.settings).toEqual({
      temperature: 0.1,
      maxOutputTokens: 100,
      presencePenalty: 0.5,
      stopSequences: ["END"],
      topK: 5,
    });
    // "default" is the reference consumers' placeholder, never a model name.
    expect(p.model).toBeUndefined();
    expect(p.parallelToolCalls).toBe(false);
  });

  it("reads the structured-output fields and ignores an invalid output_mode", () => {
    const schema = { type: "object" };
    expect(readParams({ output_schema: schema, output_type_name: "R", output_mode: "loose" }, {}, {})).toMatchObject({
      outputSchema: schema,
      outputTypeName: "R",
      outputMode: undefined,
    });
    expect(readParams({ output_schema: "not a schema", output_mode: "hint" }, {}, {})).toMatchObject({
      outputSchema: undefined,
      outputMode: "hint",
    });
  });
});
