// Several registry URLs: how a user writes them (env, code string, code list) and what a bad
// entry reports.
import { describe, expect, it } from "vitest";
import { parseAgentConfig, parseRegistryUrls } from "./config.js";

describe("registry URLs", () => {
  it("one URL, the default, or several comma-separated; trailing slashes and spaces dropped, repeats once", () => {
    expect(parseRegistryUrls("http://reg:8000/")).toEqual({ urls: ["http://reg:8000"], problems: [] });
    expect(parseRegistryUrls(" http://a:1 , https://b:2/mesh/ ,http://a:1")).toEqual({
      urls: ["http://a:1", "https://b:2/mesh"],
      problems: [],
    });
    expect(parseRegistryUrls(["http://a:1", "http://b:2"]).urls).toEqual(["http://a:1", "http://b:2"]);
    const { config } = parseAgentConfig({ name: "x" }, {});
    expect(config.registryUrls).toEqual(["http://localhost:8000"]);
    expect(config.registryUrl).toBe("http://localhost:8000");
  });

  it("the environment beats code, as a whole list", () => {
    const { config, problems } = parseAgentConfig(
      { name: "x", registryUrl: ["http://code:1", "http://code:2"] },
      { MCP_MESH_REGISTRY_URL: "http://env-a:8000,http://env-b:8000" },
    );
    expect(problems).toEqual([]);
    expect(config.registryUrls).toEqual(["http://env-a:8000", "http://env-b:8000"]);
    expect(config.registryUrl).toBe("http://env-a:8000");
    expect(parseAgentConfig({ name: "x", registryUrl: "http://c:1,http://c:2" }, {}).config.registryUrls).toEqual([
      "http://c:1",
      "http://c:2",
    ]);
  });

  it("a bad entry is named by its position and value, with where it came from", () => {
    expect(
      parseAgentConfig({ name: "x" }, { MCP_MESH_REGISTRY_URL: "http://ok:1,ftp://files:21,,nonsense" }).problems,
    ).toEqual([
      'registryUrl = "http://ok:1,ftp://files:21,,nonsense" (from MCP_MESH_REGISTRY_URL): entry 2 "ftp://files:21" is not an http(s) URL',
      'registryUrl = "http://ok:1,ftp://files:21,,nonsense" (from MCP_MESH_REGISTRY_URL): entry 3 is empty (give URLs separated by commas)',
      'registryUrl = "http://ok:1,ftp://files:21,,nonsense" (from MCP_MESH_REGISTRY_URL): entry 4 "nonsense" is not an http(s) URL',
    ]);
    expect(parseAgentConfig({ name: "x", registryUrl: ["http://ok:1", "mailto:me"] }, {}).problems).toEqual([
      'registryUrl = "http://ok:1,mailto:me": entry 2 "mailto:me" is not an http(s) URL',
    ]);
    expect(parseAgentConfig({ name: "x", registryUrl: [] }, {}).problems).toEqual([
      'registryUrl = "": no registry URL given',
    ]);
  });
});
