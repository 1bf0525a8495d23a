import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { answerFor, routeError } from "./run-route.js";

describe("the HTTP answer for a route's error", () => {
  it("503 with the reason for a dependency that is unavailable or failed, without provider addresses", () => {
    const err = new MeshError(
      ErrorCodes.UNREACHABLE,
      "avatar_chat/avatar_chat at http://10.0.0.5:9091: connect ECONNREFUSED 10.0.0.5:9091",
    );
    expect(routeError(err)).toEqual({
      status: 503,
      body: { error: "avatar_chat/avatar_chat at <provider>: connect ECONNREFUSED <provider>", code: "unreachable" },
    });
    expect(routeError(new MeshError(ErrorCodes.REMOTE_TOOL_ERROR, "tool failed")).status).toBe(503);
  });

  it("504 for a timeout", () => {
    expect(routeError(new MeshError(ErrorCodes.TIMEOUT, "no answer within 300 ms")).status).toBe(504);
  });

  it("500 without the message for anything else (a bug in the handler)", () => {
    expect(routeError(new TypeError("Cannot read properties of null (reading 'x') at /srv/app.js:3"))).toEqual({
      status: 500,
      body: { error: "internal error", code: "internal" },
    });
  });

  it("onError wins, and falls back to the default when it returns nothing", () => {
    const err = new MeshError(ErrorCodes.TIMEOUT, "slow");
    expect(answerFor(err, () => ({ status: 200, body: { error: "", code: "degraded" } })).status).toBe(200);
    expect(answerFor(err, () => undefined).status).toBe(504);
  });
});
