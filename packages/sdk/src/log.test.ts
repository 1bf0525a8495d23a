import { expect, it } from "vitest";
import { createLogger, safeUrl } from "./log.js";

const CANARY = "canary-5ecret-value";

it("redacts tokens, API keys and authorization headers wherever a log object carries them", () => {
  const lines: string[] = [];
  const logger = createLogger("info", { agent_id: "a" }, { write: (s: string) => void lines.push(s) });
  logger.info({ authorization: `Bearer ${CANARY}` }, "top level");
  logger.info({ headers: { authorization: `Bearer ${CANARY}`, "x-api-key": CANARY, cookie: CANARY } }, "headers");
  logger.info({ opts: { apiKey: CANARY, api_key: CANARY, token: CANARY } }, "options");
  logger.error({ err: { message: "boom", headers: { authorization: CANARY } } }, "an error's request");
  logger.info({ ctx: { headers: { "proxy-authorization": CANARY } } }, "deep");
  expect(lines).toHaveLength(5);
  for (const line of lines) expect(line).not.toContain(CANARY);
  expect(lines.join("")).toContain("[redacted]");
  // What is not a secret stays.
  expect(JSON.parse(lines[3] as string).err.message).toBe("boom");
});

it("logs URLs without their credentials", () => {
  expect(safeUrl(`http://mesh:${CANARY}@registry:8000`)).toBe("http://***@registry:8000");
  expect(safeUrl("http://registry:8000")).toBe("http://registry:8000");
  expect(safeUrl("not a url")).toBe("(unparseable URL)");
});
