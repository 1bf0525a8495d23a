import { describe, expect, it } from "vitest";
import { MeshApi } from "./api-agent.js";

const quiet = { autoRun: false, handleSignals: false, logLevel: "silent", env: {} } as const;

describe("MeshApi, the web app's place in the mesh", () => {
  it("refuses to join with a bad route dependency, naming the route", async () => {
    const api = new MeshApi({ name: "web-bad", standalone: true, ...quiet });
    api.declare({ chat: "not a capability!" }, "chat_route");
    await expect(api.start()).rejects.toMatchObject({
      code: "config_invalid",
      message: expect.stringContaining('route "chat_route": dependency "chat" needs a valid capability'),
    });
  });

  it("takes route names as the reference writes them, refuses others and duplicates", async () => {
    const api = new MeshApi({ name: "web-names", standalone: true, ...quiet });
    api.declare({ chat: "avatar_chat" }, "POST:/chat/{room}");
    api.declare({ chat: "avatar_chat" }, "POST:/chat/{room}");
    api.declare({ chat: "avatar_chat" }, "has space");
    const err = await api.start().catch((e: Error) => e);
    expect(err).toMatchObject({ code: "config_invalid" });
    expect((err as Error).message).toContain('route "POST:/chat/{room}": is declared twice');
    expect((err as Error).message).toContain('route "has space": name must be 1-200 letters');
    expect((err as Error).message.match(/POST:\/chat\/\{room\}/g)).toHaveLength(1);
  });

  it("refuses a route declared after it joined, with the reason", async () => {
    const api = new MeshApi({ name: "web-late", standalone: true, ...quiet });
    await api.start();
    expect(() => api.declare({ chat: "avatar_chat" })).toThrow(/declare routes with mesh dependencies before/);
    await api.stop();
  });

  it("without a registry (standalone) routes get null at once, required ones a clear refusal", async () => {
    const api = new MeshApi({ name: "web-alone", standalone: true, ...quiet });
    const optional = api.declare({ chat: "avatar_chat" });
    const required = api.declare({ chat: { capability: "avatar_chat", required: true } });
    expect(await optional.deps()).toEqual({ chat: null });
    await expect(required.deps()).rejects.toMatchObject({
      code: "dependency_unavailable",
      message: "required dependency unavailable: chat (capability avatar_chat)",
    });
    await api.stop();
    await expect(optional.deps()).rejects.toMatchObject({ code: "agent_state" });
  });
});
