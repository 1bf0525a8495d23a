import { expect, it } from "vitest";
import { createLogger, safeUrl, withoutSecrets } from "./log.js";

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

it("takes known secrets out of a message from outside (a vendor quoting the key it refused)", () => {
  const said = `HTTP 401: Incorrect API key provided: ${CANARY}. Check ${CANARY}`;
  expect(withoutSecrets(said, [undefined, CANARY])).toBe(
    "HTTP 401: Incorrect API key provided: [redacted]. Check [redacted]",
  );
  // A short value (an empty or test key) would blank ordinary words: left alone.
  expect(withoutSecrets("key abc refused", ["abc"])).toBe("key abc refused");
});
