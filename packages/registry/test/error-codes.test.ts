// docs/error-codes.md stays true: every code of the catalogue is documented, and for each code
// the registry answers over HTTP, the documented status is the one the error handler uses.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { errorHandler, httpStatusOf } from "../src/routes/errors.js";

const DOC = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "../../../docs/error-codes.md"), "utf8");

/** `code` → the row's HTTP column, from the table `| code | where | meaning | HTTP |`. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of DOC.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const code = /^`([a-z_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (code) rows.set(code, cells[4] ?? "");
  }
  return rows;
}

describe("the error catalogue and docs/error-codes.md", () => {
  const rows = documented();

  for (const code of Object.values(ErrorCodes)) {
    it(`${code} is documented, with the HTTP status the registry uses`, () => {
      expect(rows.has(code), code).toBe(true);
      const status = httpStatusOf(code);
      if (status !== 500 || code === ErrorCodes.INTERNAL) expect(rows.get(code)).toContain(String(status));
    });
  }

  it("the one error handler answers a thrown MeshError with its status and the envelope", async () => {
    const app = Fastify();
    app.setErrorHandler(errorHandler(1024));
    app.get("/x/:code", async (req) => {
      throw new MeshError((req.params as { code: (typeof ErrorCodes)[keyof typeof ErrorCodes] }).code, "why");
    });
    app.get("/bug", async () => {
      throw new Error("secret stack detail");
    });
    for (const code of [ErrorCodes.NOT_FOUND, ErrorCodes.STORE_UNAVAILABLE, ErrorCodes.BAD_REQUEST]) {
      const r = await app.inject({ method: "GET", url: `/x/${code}` });
      expect(r.statusCode).toBe(httpStatusOf(code));
      expect(r.json()).toEqual({ error: "why", timestamp: expect.any(String) });
    }
    const bug = await app.inject({ method: "GET", url: "/bug" });
    expect(bug.statusCode).toBe(500);
    expect(bug.json()).toEqual({ error: "internal error", timestamp: expect.any(String) });
    await app.close();
  });
});
