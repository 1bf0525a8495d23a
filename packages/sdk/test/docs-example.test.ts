// The testing example of docs/sdk.md, verbatim, so the guide stays true.
import { expect, it } from "vitest";
import { z } from "zod";
import { createTestMesh, fake, waitForDependency } from "../src/testing/index.js";

it("the docs/sdk.md testing example runs", async () => {
  const m = await createTestMesh();
  const provider = m.agent({ name: "date" });
  provider.tool({ name: "get_date", capability: "date_service", handler: () => "2030-01-01" });
  const consumer = m.agent({ name: "greeter" });
  consumer.tool({
    name: "hello",
    input: { who: z.string() },
    dependencies: { date: "date_service" },
    handler: async ({ who }, { date }) => `Hello ${who}, ${date ? await date() : "no date"}`,
  });
  await m.start();
  await waitForDependency(consumer, "date_service");
  expect(await m.call(consumer, "hello", { who: "Ada" })).toBe("Hello Ada, 2030-01-01");
  fake(consumer, "date_service", () => "FAKE");
  expect(await m.call(consumer, "hello", { who: "Ada" })).toBe("Hello Ada, FAKE");
  fake(consumer, "date_service", undefined);
  await provider.stop();
  await waitForDependency(consumer, "date_service", { unwired: true });
  expect(await m.call(consumer, "hello", { who: "Ada" })).toBe("Hello Ada, no date");
  await m.close();
});
