// Which registries a command talks to: one or several (comma-separated), by precedence, and a
// clear usage error naming the bad entry.
import { describe, expect, it } from "vitest";
import { resolveRegistryUrl, resolveRegistryUrls } from "./registry-url.js";

describe("meshctl registry URLs", () => {
  it("takes several comma-separated URLs from --registry-url or MCP_MESH_REGISTRY_URL, in order", () => {
    expect(resolveRegistryUrls({ "registry-url": "http://a:1, b:2/ ,http://a:1" }, {})).toEqual([
      "http://a:1",
      "http://b:2",
    ]);
    expect(resolveRegistryUrls({}, { MCP_MESH_REGISTRY_URL: "https://r1.example,https://r2.example" })).toEqual([
      "https://r1.example",
      "https://r2.example",
    ]);
    // The flag beats the variable, as a whole; the first is what `start` would start.
    expect(resolveRegistryUrl({ "registry-url": "http://flag:1" }, { MCP_MESH_REGISTRY_URL: "http://env:1" })).toBe(
      "http://flag:1",
    );
    expect(resolveRegistryUrls({}, {})).toEqual(["http://localhost:8000"]);
  });

  it("names the bad entry and where it came from", () => {
    expect(() => resolveRegistryUrls({ "registry-url": "http://a:1,ftp://b:2" }, {})).toThrow(
      "invalid registry URL (entry 2 of --registry-url) 'ftp://b:2': only http:// and https:// are supported",
    );
    expect(() => resolveRegistryUrls({}, { MCP_MESH_REGISTRY_URL: "http://a:1,,http://c:3" })).toThrow(
      "empty registry URL (entry 2 of MCP_MESH_REGISTRY_URL): give URLs separated by commas",
    );
    expect(() => resolveRegistryUrls({ "registry-url": "http://a b" }, {})).toThrow(
      "invalid registry URL 'http://a b': expected http://host:port",
    );
  });
});
