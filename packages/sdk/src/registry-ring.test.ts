// Which failures move an agent to its next registry, and in which order it goes round.
import { MeshError } from "@mcp-mesh/protocol";
import { describe, expect, it } from "vitest";
import { createRegistryRing, downReason, registryDown } from "./registry-ring.js";

describe("registry ring", () => {
  it("goes round the registries in order and reports each move", () => {
    const moves: string[] = [];
    const ring = createRegistryRing(["http://a", "http://b", "http://c"], (from, to, why) =>
      moves.push(`${from}->${to} (${why})`),
    );
    expect(ring.current()).toBe("http://a");
    expect(ring.next("no answer")).toBe("http://b");
    expect(ring.next("answered 503")).toBe("http://c");
    expect(ring.next("ECONNREFUSED")).toBe("http://a");
    expect(moves).toEqual([
      "http://a->http://b (no answer)",
      "http://b->http://c (answered 503)",
      "http://c->http://a (ECONNREFUSED)",
    ]);
    const single = createRegistryRing(["http://only"], () => moves.push("moved"));
    expect(single.next("no answer")).toBe("http://only");
    expect(moves).toHaveLength(3); // one registry: nowhere to move
  });

  it("moves on no answer and on 5xx, not on a refusal another replica would repeat", () => {
    expect(registryDown(0)).toBe(true);
    expect(registryDown(503)).toBe(true);
    expect(registryDown(500)).toBe(true);
    for (const status of [400, 401, 403, 404, 429]) expect(registryDown(status)).toBe(false);
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(registryDown(refused)).toBe(true);
    expect(downReason(refused)).toBe("ECONNREFUSED");
    const unavailable = new MeshError("registry_rejected", "registry answered 503", { status: 503 });
    expect(registryDown(unavailable)).toBe(true);
    expect(downReason(unavailable)).toBe("answered 503");
    const badToken = new MeshError("registry_rejected", "registry answered 401", { status: 401 });
    expect(registryDown(badToken)).toBe(false);
    // HTTP 200 with status "error" in the body: the registry answered and refused.
    expect(registryDown(new MeshError("registry_rejected", "registration refused: bad tool", { status: 200 }))).toBe(
      false,
    );
  });
});
