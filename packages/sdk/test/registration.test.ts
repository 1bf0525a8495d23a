// A registry that answers but does not register the agent: a MeshError with the status.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ErrorCodes, MeshError } from "@mcp-mesh/protocol";
import { Agent } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { postHeartbeat } from "../src/registration.js";

let server: Server;
let url: string;
let answer: { status: number; body: string };
const dispatcher = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(answer.status, { "content-type": "application/json" });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await dispatcher.close();
  await new Promise((resolve) => server.close(resolve));
});

const payload = { agent_id: "a-1", name: "a", tools: [] } as never;

it.each([
  [{ status: 503, body: '{"error":"down"}' }, 503, /registry answered 503/],
  [{ status: 200, body: '{"status":"error","message":"bad name"}' }, 200, /registration refused: bad name/],
  [{ status: 200, body: "<html>" }, 200, /not JSON/],
])("%j → registry_rejected", async (reply, status, message) => {
  answer = reply;
  const err = await postHeartbeat(dispatcher, url, payload).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MeshError);
  expect(err).toMatchObject({ code: ErrorCodes.REGISTRY_REJECTED, details: { status } });
  expect((err as Error).message).toMatch(message);
});
