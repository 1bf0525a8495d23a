// Raw sockets against a listening registry: bodies that never finish are timed out with a 408,
// connections beyond the cap are refused, /health answers while sockets are held, a 431 closes
// its connection cleanly (the client reads the answer, no reset), and HEAD answers carry no body.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup, startRegistry, type TestRegistry } from "./fixtures.js";

const TIMEOUT_MS = 1000;
const CAP = 40;

interface Exchange {
  text: string;
  error: string | null;
  /** True when the registry closed the connection (we never close first in these tests). */
  closedByServer: boolean;
}

/** Writes `chunks` (one every `everyMs`), then waits, reading, until the server closes or `waitMs`. */
function exchange(port: number, chunks: string[], opts: { everyMs?: number; waitMs?: number } = {}) {
  return new Promise<Exchange>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    let error: string | null = null;
    let closedByServer = false;
    socket.on("data", (c: Buffer) => (text += c.toString("latin1")));
    socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on("end", () => (closedByServer = true));
    socket.on("close", () => {
      clearTimeout(giveUp);
      clearInterval(trickle);
      resolve({ text, error, closedByServer: closedByServer || error !== null });
    });
    const queue = [...chunks];
    const trickle = setInterval(() => {
      const next = queue.shift();
      if (next === undefined) return clearInterval(trickle);
      if (socket.writable) socket.write(next);
    }, opts.everyMs ?? 1);
    const giveUp = setTimeout(() => socket.destroy(), opts.waitMs ?? 15_000);
  });
}

const statusOf = (text: string) => Number(text.slice(9, 12));
const headerOf = (text: string, name: string) =>
  text
    .slice(0, text.indexOf("\r\n\r\n"))
    .split("\r\n")
    .find((l) => l.toLowerCase().startsWith(`${name}:`))
    ?.slice(name.length + 1)
    .trim();
const bodyOf = (text: string) => text.slice(text.indexOf("\r\n\r\n") + 4);

describe("slow and hostile clients on a listening registry", () => {
  let reg: TestRegistry;
  let port: number;

  beforeAll(async () => {
    reg = await startRegistry({
      config: { host: "127.0.0.1", port: 0, requestTimeoutMs: TIMEOUT_MS, maxConnections: CAP },
    });
    port = Number(new URL(await reg.listen()).port);
  });
  afterAll(async () => {
    await reg.close();
    cleanup(reg.dir);
  });

  it("20 bodies that never finish get a 408 and are closed, while /health keeps answering", async () => {
    const slow = Array.from({ length: 20 }, (_, i) =>
      exchange(port, [
        i % 2
          ? 'POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"agent_id":'
          : 'POST /heartbeat HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"age\r\n',
      ]),
    );
    for (let i = 0; i < 3; i++) {
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    }
    for (const r of await Promise.all(slow)) {
      expect(r.closedByServer).toBe(true);
      expect(statusOf(r.text)).toBe(408);
      expect(headerOf(r.text, "connection")).toBe("close");
      expect(JSON.parse(bodyOf(r.text))).toEqual({
        error: "request not received in time (MCP_MESH_REQUEST_TIMEOUT)",
        timestamp: expect.any(String),
      });
    }
  }, 30_000);

  it("a body trickled a byte at a time is timed out too", async () => {
    const body = '{"agent_id":"trickle"}';
    const head = `POST /heartbeat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const r = await exchange(port, [head, ...body], { everyMs: 150 });
    expect(statusOf(r.text)).toBe(408);
    expect(r.closedByServer).toBe(true);
    expect((await reg.get("/agents/trickle")).status).toBe(404);
  }, 30_000);

  it("an idle keep-alive connection still serves its next request after the timeout", async () => {
    const req = "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n";
    const r = await exchange(port, [req, "", ...Array(15).fill(""), req], { everyMs: 100, waitMs: 2500 });
    expect(r.text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
  }, 30_000);

  it("connections beyond MCP_MESH_MAX_CONNECTIONS are closed; served again once others leave", async () => {
    const held: net.Socket[] = [];
    for (let i = 0; i < CAP; i++) {
      held.push(
        await new Promise<net.Socket>((ok) => {
          const s = net.connect(port, "127.0.0.1", () => ok(s));
          s.on("error", () => {});
        }),
      );
    }
    const refused = await exchange(port, ["GET /health HTTP/1.1\r\nHost: x\r\n\r\n"], { waitMs: 5000 });
    expect(refused.closedByServer).toBe(true);
    expect(refused.text).toBe("");
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  }, 30_000);

  it("431 for headers too large: the envelope, Connection: close, and a clean close (no reset)", async () => {
    const r = await exchange(port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(1_000_000)}\r\n\r\n`]);
    expect(r.error).toBeNull();
    expect(r.closedByServer).toBe(true);
    expect(statusOf(r.text)).toBe(431);
    expect(headerOf(r.text, "connection")).toBe("close");
    expect(JSON.parse(bodyOf(r.text))).toEqual({ error: "request headers too large", timestamp: expect.any(String) });
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it("HEAD answers carry no body: refused by the parser, by a route, or unknown", async () => {
    const cases: Array<[string, number]> = [
      [`HEAD /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431],
      ["HEAD /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400],
      ["HEAD /heartbeat/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 400],
      ["HEAD /heartbeat/nobody HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 410],
      ["HEAD /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 404],
      ["HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200],
    ];
    for (const [request, status] of cases) {
      const r = await exchange(port, [request]);
      expect(statusOf(r.text), request.slice(0, 40)).toBe(status);
      expect(bodyOf(r.text), request.slice(0, 40)).toBe("");
    }
  });
});
