// /proxy/{host}:{port}/mcp[/...] against a real upstream HTTP server, through a registry that
// listens for real (PROTOCOL.md §1.7): what `meshctl call` relies on.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Milliseconds after the request was sent at which each body chunk arrived, and the end. */
  chunkTimes: number[];
  endedAt: number;
  complete: boolean;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in agent: /mcp answers JSON-RPC, /mcp/sse streams, the rest misbehave on purpose. */
class Upstream {
  readonly seen: Seen[] = [];
  /** Resolves when the request to that path lost its connection (the proxy hung up). */
  readonly closed = new Map<string, Promise<void>>();
  private readonly server = http.createServer((req, res) => this.handle(req, res));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  last(path: string): Seen {
    const hit = this.seen.filter((s) => s.url === path).at(-1);
    if (!hit) throw new Error(`upstream never saw ${path}; saw ${this.seen.map((s) => s.url).join(", ")}`);
    return hit;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? "";
    this.closed.set(path, new Promise((resolve) => res.on("close", () => resolve())));
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      this.seen.push({ method: req.method ?? "", url: path, headers: req.headers, body });
      void this.respond(path.split("?")[0] ?? "", body, res);
    });
  }

  private async respond(path: string, body: Buffer, res: http.ServerResponse): Promise<void> {
    switch (path) {
      case "/mcp": {
        const rpc = body.length ? JSON.parse(body.toString("utf8")) : {};
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "mcp-session-id": "sess-42",
          "x-upstream": "json",
        });
        res.end(
          JSON.stringify({ jsonrpc: "2.0", id: rpc.id ?? null, result: { method: rpc.method, bytes: body.length } }),
        );
        return;
      }
      case "/mcp/notify":
        res.writeHead(202);
        res.end();
        return;
      case "/mcp/missing":
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32001, message: "Session not found" } }));
        return;
      case "/mcp/sse":
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        for (let n = 1; n <= 4; n++) {
          res.write(`event: message\ndata: {"n":${n}}\n\n`);
          await sleep(150);
        }
        res.end();
        return;
      case "/mcp/slow-sse":
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write('data: {"n":1}\n\n'); // ...and then nothing, until the proxy gives up
        return;
      case "/mcp/never":
        return; // never answers
      default:
        res.writeHead(200, { "content-type": "text/plain" });
        res.end(`reached ${path}`);
    }
  }
}

/** One request through a fresh connection, the body written in the given pieces. */
function request(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  pieces: Array<string | Buffer> = [],
): Promise<Answer> {
  const url = new URL(base);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const chunkTimes: number[] = [];
      let complete = false;
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        chunkTimes.push(performance.now() - started);
      });
      res.on("end", () => (complete = true));
      res.on("close", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString("utf8"),
          chunkTimes,
          endedAt: performance.now() - started,
          complete,
        }),
      );
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${path} within 10 s`)));
    void (async () => {
      for (const [i, p] of pieces.entries()) {
        req.write(p);
        if (i < pieces.length - 1) await sleep(20);
      }
      req.end();
    })();
  });
}

function expectEnvelope(a: Answer, status: number, message: string | RegExp): void {
  expect(a.status).toBe(status);
  expect(a.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(a.body);
  expect(Object.keys(body).sort()).toEqual(["error", "timestamp"]);
  expect(body.timestamp).toMatch(RFC3339);
  if (typeof message === "string") expect(body.error).toBe(message);
  else expect(body.error).toMatch(message);
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe("/proxy against a real upstream", () => {
  const upstream = new Upstream();
  let reg: TestRegistry;
  let base: string;
  let target: string;
  let deadPort: number;

  beforeAll(async () => {
    await upstream.start();
    deadPort = await freePort();
    reg = await startRegistry({ config: { host: "127.0.0.1", port: 0, propagateHeaders: ["x-tenant*", "x-api-key"] } });
    base = await reg.listen();
    for (const body of [
      agent("echo-agent-1a2b3c4d", [tool("echo", "echo")], { http_host: "127.0.0.1", http_port: upstream.port }),
      agent("retired-agent", [tool("old", "old")], { http_host: "127.0.0.1", http_port: upstream.port }),
      agent("dead-agent", [tool("gone", "gone")], { http_host: "127.0.0.1", http_port: deadPort }),
    ]) {
      expect((await reg.post(body)).json.status).toBe("success");
    }
    target = `/proxy/127.0.0.1:${upstream.port}`;
  });

  afterAll(async () => {
    await reg.close();
    await upstream.stop();
    cleanup(reg.dir);
  });

  it("forwards a JSON-RPC POST and returns the upstream's status, headers and body", async () => {
    const rpc = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "echo", arguments: { text: "hi" } } };
    const a = await request(
      base,
      "POST",
      `${target}/mcp`,
      { "content-type": "application/json", accept: "application/json, text/event-stream" },
      [JSON.stringify(rpc)],
    );
    expect(a.status).toBe(200);
    expect(a.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(a.headers["mcp-session-id"]).toBe("sess-42");
    expect(a.headers["x-upstream"]).toBe("json");
    expect(JSON.parse(a.body)).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: { method: "tools/call", bytes: JSON.stringify(rpc).length },
    });
    const seen = upstream.last("/mcp");
    expect(seen.method).toBe("POST");
    expect(JSON.parse(seen.body.toString("utf8"))).toEqual(rpc);
  });

  it("passes non-200 answers through unchanged (202 without body, 404 with body)", async () => {
    const notify = await request(base, "POST", `${target}/mcp/notify`, { "content-type": "application/json" }, [
      '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    ]);
    expect(notify.status).toBe(202);
    expect(notify.body).toBe("");
    const missing = await request(base, "POST", `${target}/mcp/missing`, { "content-type": "application/json" }, [
      "{}",
    ]);
    expect(missing.status).toBe(404);
    expect(missing.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(missing.body).error).toEqual({ code: -32001, message: "Session not found" });
  });

  it("forwards GET, the query string, and sub-paths under /mcp", async () => {
    const a = await request(base, "GET", `${target}/mcp/other/deeper?session=abc&x=1`);
    expect(a.status).toBe(200);
    expect(a.body).toBe("reached /mcp/other/deeper");
    expect(upstream.last("/mcp/other/deeper?session=abc&x=1").method).toBe("GET");
  });

  it("forwards a percent-encoded sub-path as sent (no hang, no decoding)", async () => {
    for (const sub of ["/mcp/a%20b", "/mcp/%E2%9C%93", "/mcp/x%2Fy"]) {
      const a = await request(base, "POST", `${target}${sub}`, { "content-type": "application/json" }, ["{}"]);
      expect(a.status, sub).toBe(200);
      expect(a.body).toBe(`reached ${sub}`);
    }
  });

  it("streams an SSE answer frame by frame, in order, as the upstream writes it", async () => {
    const a = await request(
      base,
      "POST",
      `${target}/mcp/sse`,
      { "content-type": "application/json", accept: "text/event-stream" },
      ['{"jsonrpc":"2.0","id":1,"method":"tools/call"}'],
    );
    expect(a.status).toBe(200);
    expect(a.headers["content-type"]).toBe("text/event-stream");
    expect(a.complete).toBe(true);
    const frames = a.body.split("\n\n").filter(Boolean);
    expect(frames).toEqual([1, 2, 3, 4].map((n) => `event: message\ndata: {"n":${n}}`));
    // Upstream spends ~600 ms writing; the first frame must arrive long before the last one.
    expect(a.chunkTimes.length).toBeGreaterThanOrEqual(2);
    expect(a.endedAt - (a.chunkTimes[0] as number)).toBeGreaterThan(300);
  });

  it("forwards the listed headers and propagateHeaders matches, and nothing else", async () => {
    const a = await request(
      base,
      "POST",
      `${target}/mcp`,
      {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "x-trace-id": "trace-123",
        "x-parent-span": "span-456",
        "x-mesh-timeout": "30",
        "x-mesh-job-id": "job-1",
        cookie: "session=secret",
        authorization: "Bearer secret-token",
        "x-tenant-id": "tenant-9",
        "x-tenant-region": "eu",
        "x-api-key": "k-1",
        "x-api-key-extra": "not-listed",
        "x-other": "nope",
      },
      ['{"jsonrpc":"2.0","id":1,"method":"ping"}'],
    );
    expect(a.status).toBe(200);
    const h = upstream.last("/mcp").headers;
    expect(h).toMatchObject({
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "x-trace-id": "trace-123",
      "x-parent-span": "span-456",
      "x-mesh-timeout": "30",
      "x-mesh-job-id": "job-1",
      "x-tenant-id": "tenant-9",
      "x-tenant-region": "eu",
      "x-api-key": "k-1",
    });
    for (const name of ["cookie", "authorization", "x-api-key-extra", "x-other"])
      expect(h, name).not.toHaveProperty(name);
  });

  it("streams the request body to the upstream intact, chunked", async () => {
    const big = {
      jsonrpc: "2.0",
      id: 3,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "héllo ✓ 😀 ".repeat(20_000) } },
    };
    const text = JSON.stringify(big);
    const bytes = Buffer.from(text, "utf8");
    // Five pieces, cut at odd offsets so that some cuts fall inside multi-byte characters.
    const cuts = [0, 1_001, 50_003, 100_007, 150_011, bytes.length];
    const pieces = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    const chunked = await request(base, "POST", `${target}/mcp`, { "content-type": "application/json" }, pieces);
    expect(chunked.status).toBe(200);
    let seen = upstream.last("/mcp");
    expect(seen.body.equals(bytes)).toBe(true);
    expect(seen.headers["transfer-encoding"]).toBe("chunked");
    expect(seen.headers).not.toHaveProperty("content-length");

    // A client that sends Content-Length (meshctl does): the agent still gets every byte.
    const sized = await request(
      base,
      "POST",
      `${target}/mcp`,
      { "content-type": "application/json", "content-length": String(bytes.length) },
      [bytes],
    );
    expect(sized.status).toBe(200);
    seen = upstream.last("/mcp");
    expect(seen.body.equals(bytes)).toBe(true);
    expect(JSON.parse(sized.body).result.bytes).toBe(bytes.length);
  });

  it("X-Mesh-Timeout: 1 ends a slow SSE stream with the timeout comment frame", async () => {
    const a = await request(
      base,
      "POST",
      `${target}/mcp/slow-sse`,
      { "content-type": "application/json", "x-mesh-timeout": "1" },
      ["{}"],
    );
    expect(a.status).toBe(200);
    expect(a.headers["content-type"]).toBe("text/event-stream");
    expect(a.body.startsWith('data: {"n":1}\n\n')).toBe(true);
    expect(a.body.endsWith("\n: mesh-proxy-timeout budget=1s\n\n")).toBe(true);
    expect(a.complete).toBe(true);
    expect(a.endedAt).toBeGreaterThan(900);
    expect(a.endedAt).toBeLessThan(5_000);
    // The upstream's connection is released, not left dangling.
    await expect(
      Promise.race([upstream.closed.get("/mcp/slow-sse"), sleep(2_000).then(() => "still open")]),
    ).resolves.toBeUndefined();
  });

  it("X-Mesh-Timeout: 1 against an upstream that never answers → 504 envelope", async () => {
    const a = await request(
      base,
      "POST",
      `${target}/mcp/never`,
      { "content-type": "application/json", "x-mesh-timeout": "1" },
      ["{}"],
    );
    expectEnvelope(a, 504, "Failed to reach target agent: no answer within 1s");
    expect(a.endedAt).toBeGreaterThan(900);
    expect(a.endedAt).toBeLessThan(5_000);
  });

  it("reaches a healthy agent addressed by its name or id, and no longer once it is unhealthy", async () => {
    const byName = await request(
      base,
      "POST",
      `/proxy/retired-agent:${upstream.port}/mcp`,
      { "content-type": "application/json" },
      ['{"id":1}'],
    );
    expect(byName.status).toBe(200);
    expect(upstream.last("/mcp").headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(await reg.del("retired-agent")).toBe(204);
    const afterUnregister = await request(
      base,
      "POST",
      `/proxy/retired-agent:${upstream.port}/mcp`,
      { "content-type": "application/json" },
      ['{"id":2}'],
    );
    // An unregistered agent's host:port may be reused by anything by now: never proxied to.
    expectEnvelope(afterUnregister, 403, "Target agent 'retired-agent' is not healthy");
    const byId = await request(
      base,
      "POST",
      `/proxy/echo-agent-1a2b3c4d:${upstream.port}/mcp`,
      { "content-type": "application/json" },
      ['{"id":3}'],
    );
    expect(JSON.parse(byId.body).id).toBe(3);
  });

  it("403 for a host:port that is not a registered agent", async () => {
    const cases = [
      `127.0.0.1:${deadPort + 1}`, // nobody registered this port
      `10.1.2.3:${upstream.port}`, // right port, wrong host
      `echo:${upstream.port}`, // not a name or id
      "127.0.0.1", // no port
    ];
    for (const hostPort of cases) {
      const a = await request(base, "POST", `/proxy/${hostPort}/mcp`, { "content-type": "application/json" }, ["{}"]);
      expectEnvelope(a, 403, `Target host '${hostPort}' is not a registered agent`);
    }
  });

  it("400 for paths other than /mcp and /mcp/*", async () => {
    const before = upstream.seen.length;
    for (const path of [
      "/admin",
      "/mcpx",
      "/",
      "/MCP",
      "/health/mcp",
      "/mcp/../admin",
      "/mcp/%2e%2e/admin",
      "/mcp/..%2Fadmin",
      "/mcp/./x",
    ]) {
      const a = await request(base, "POST", `${target}${path}`, { "content-type": "application/json" }, ["{}"]);
      expectEnvelope(a, 400, "Only /mcp/* paths are allowed for proxying");
    }
    expect(upstream.seen.length).toBe(before);
  });

  it("400 when the target has no path at all", async () => {
    for (const t of [`127.0.0.1:${upstream.port}`, "echo-agent-1a2b3c4d"]) {
      const a = await request(base, "POST", `/proxy/${t}`, { "content-type": "application/json" }, ["{}"]);
      expectEnvelope(a, 400, /^Invalid target format: missing path/);
    }
  });

  it("only POST and GET are proxied", async () => {
    for (const method of ["PUT", "DELETE", "PATCH"]) {
      const a = await request(base, method, `${target}/mcp`);
      expect(a.status, method).toBe(404);
      expect(a.body).toBe("404 page not found");
    }
  });

  it("502 when the registered agent's port has nothing listening", async () => {
    const a = await request(base, "POST", `/proxy/127.0.0.1:${deadPort}/mcp`, { "content-type": "application/json" }, [
      '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    ]);
    expectEnvelope(a, 502, new RegExp(`^Failed to reach target agent: .*ECONNREFUSED.*${deadPort}`));
    // ...and the registry itself is fine.
    expect((await request(base, "GET", "/health")).status).toBe(200);
  });
});
