// The one tools/call client against a real HTTP server on 127.0.0.1 (port chosen by the OS).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCodes, type MeshError } from "@mcp-mesh/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callToolHttp, createDispatcher, type ToolNotification } from "./tools-call.js";

type Handler = (req: IncomingMessage, body: Record<string, any>, res: ServerResponse) => void;
const handlers = new Map<string, Handler>();
let server: Server;
let base: string;
const releases: (() => void)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (c) => (text += c));
    req.on("end", () => {
      const body = JSON.parse(text);
      const handler = handlers.get(body.params.name);
      if (handler) handler(req, body, res);
      else res.writeHead(404).end("no such tool");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const release of releases) release();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const answer = (res: ServerResponse, id: unknown, text: string) =>
  res
    .writeHead(200, { "content-type": "application/json" })
    .end(JSON.stringify({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text }] } }));

handlers.set("echo", (_req, body, res) => answer(res, body.id, JSON.stringify(body.params)));
// Answers only when the test says so: holds its connection meanwhile.
handlers.set("held", (_req, body, res) => releases.push(() => answer(res, body.id, "released")));

describe("callToolHttp", () => {
  it("sends a tools/call and returns the JSON-RPC answer", async () => {
    const d = createDispatcher();
    const r = await callToolHttp(d, { url: `${base}/mcp`, tool: "echo", args: { a: 1 }, timeoutMs: 5000 });
    expect(JSON.parse(r.result?.content?.[0]?.text ?? "")).toEqual({ name: "echo", arguments: { a: 1 } });
    await d.close();
  });

  it("counts the time a call waits for a pooled connection against its timeout", async () => {
    const d = createDispatcher({ connections: 1 });
    const order: string[] = [];
    const first = callToolHttp(d, { url: `${base}/mcp`, tool: "held", args: {}, timeoutMs: 20_000 }).then(
      () => order.push("first answered"),
      (e) => order.push(`first failed ${e.code}`),
    );
    // The only connection is busy with `held`: this call queues behind it.
    const queued = callToolHttp(d, { url: `${base}/mcp`, tool: "echo", args: {}, timeoutMs: 300 }).then(
      () => order.push("queued answered"),
      (e: MeshError) => order.push(`queued failed ${e.code}`),
    );
    await queued;
    releases.shift()?.();
    await first;
    expect(order).toEqual([`queued failed ${ErrorCodes.TIMEOUT}`, "first answered"]);
    await d.close();
  });

  it("delivers progress and log notifications while the tool still runs", async () => {
    const seen: ToolNotification[] = [];
    let notified: () => void = () => {};
    const gotOne = new Promise<void>((r) => (notified = r));
    handlers.set("chatty", async (_req, body, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const event = (msg: unknown) => res.write(`event: message\ndata: ${JSON.stringify(msg)}\n\n`);
      event({
        jsonrpc: "2.0",
        method: "notifications/progress",
        params: { progressToken: body.params._meta?.progressToken, progress: 1, total: 2 },
      });
      await gotOne; // the answer is sent only once the caller has seen the notification
      event({ jsonrpc: "2.0", method: "notifications/message", params: { level: "info", data: "half" } });
      event({ jsonrpc: "2.0", id: body.id, result: { content: [{ type: "text", text: "done" }] } });
      res.end();
    });
    const d = createDispatcher();
    const r = await callToolHttp(d, {
      url: `${base}/mcp`,
      tool: "chatty",
      args: {},
      timeoutMs: 5000,
      progressToken: "tok",
      onNotification: (n) => {
        seen.push(n);
        notified();
      },
    });
    expect(r.result?.content?.[0]?.text).toBe("done");
    expect(seen).toEqual([
      { method: "notifications/progress", params: { progressToken: "tok", progress: 1, total: 2 } },
      { method: "notifications/message", params: { level: "info", data: "half" } },
    ]);
    await d.close();
  });

  it("classifies failures: refused and gateway errors are unreachable, others are the tool's", async () => {
    handlers.set("gateway", (_req, _b, res) => res.writeHead(503).end('{"error":"agent is gone"}'));
    handlers.set("crash", (_req, _b, res) => res.writeHead(500).end("Internal"));
    handlers.set("garbage", (_req, _b, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end("<html>"),
    );
    handlers.set("huge", (_req, _b, res) => res.writeHead(200).end("x".repeat(5000)));
    handlers.set("cut", (_req, _b, res) =>
      res.writeHead(200, { "content-type": "text/event-stream" }).end(": mesh-proxy-timeout budget=1s\n\n"),
    );
    const d = createDispatcher();
    const fail = (tool: string, url = `${base}/mcp`) =>
      callToolHttp(d, { url, tool, args: {}, timeoutMs: 5000, maxBytes: 1000 }).then(
        () => undefined,
        (e: MeshError) => ({ code: e.code, message: e.message }),
      );
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));

    expect(await fail("echo", `http://127.0.0.1:${deadPort}/mcp`)).toMatchObject({
      code: ErrorCodes.UNREACHABLE,
      message: expect.stringMatching(/connection refused/),
    });
    expect(await fail("gateway")).toEqual({
      code: ErrorCodes.UNREACHABLE,
      message: `gateway at ${base}: HTTP 503: agent is gone`,
    });
    expect(await fail("crash")).toEqual({
      code: ErrorCodes.REMOTE_TOOL_ERROR,
      message: `crash at ${base}: HTTP 500: Internal`,
    });
    expect(await fail("garbage")).toMatchObject({ code: ErrorCodes.REMOTE_TOOL_ERROR, message: /not JSON-RPC/ });
    expect(await fail("huge")).toMatchObject({ code: ErrorCodes.REMOTE_TOOL_ERROR, message: /larger than 1000 bytes/ });
    expect(await fail("cut")).toEqual({
      code: ErrorCodes.REMOTE_TOOL_ERROR,
      message: `cut at ${base}: the event stream ended without an answer`,
    });
    await d.close();
  });
});
