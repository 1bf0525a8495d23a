// A dependency's declared output schema validates what the provider answers (one process, real
// HTTP between the agents on loopback).
import { ErrorCodes } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { MeshAgent } from "../src/agent.js";
import { createTestMesh, type TestMesh, waitForDependency } from "../src/testing/index.js";

const Weather = z.object({ city: z.string(), celsius: z.number() });

describe("a dependency with a declared output", () => {
  let m: TestMesh;
  let consumer: MeshAgent;

  beforeAll(async () => {
    m = await createTestMesh();
    const provider = m.agent({ name: "weather-provider" });
    provider.tool({
      name: "weather",
      input: { city: z.string() },
      handler: ({ city }) => (city === "Atlantis" ? { city, celsius: "warm" } : { city, celsius: 21 }),
    });
    consumer = m.agent({ name: "forecaster" });
    consumer.tool({
      name: "forecast",
      input: { city: z.string() },
      dependencies: { weather: { capability: "weather", output: Weather, required: true } },
      async handler({ city }, { weather }) {
        const w = await weather({ city });
        return `${w.city}: ${w.celsius + 0} °C`;
      },
    });
    consumer.tool({
      name: "forecast_error",
      input: { city: z.string() },
      dependencies: { weather: { capability: "weather", output: Weather, required: true } },
      async handler({ city }, { weather }) {
        try {
          await weather({ city });
          return "no error";
        } catch (e) {
          const err = e as { code?: string; message?: string };
          return `${err.code}: ${err.message}`;
        }
      },
    });
    await m.start();
    await waitForDependency(consumer, "weather");
  });
  afterAll(() => m.close());

  it("returns the provider's answer when it matches the schema", async () => {
    expect(await m.call(consumer, "forecast", { city: "Oslo" })).toBe("Oslo: 21 °C");
  });

  it("refuses an answer that does not match, with a clear MeshError naming the field", async () => {
    expect(await m.call(consumer, "forecast_error", { city: "Atlantis" })).toBe(
      `${ErrorCodes.OUTPUT_MISMATCH}: dependency "weather" (capability weather) answered a value that does not match its declared output: celsius: Invalid input: expected number, received string`,
    );
  });
});
