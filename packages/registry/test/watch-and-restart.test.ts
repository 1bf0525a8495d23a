// Push updates over GET /watch/{id}, the suspect-on-disconnect rule, and a registry restart
// that loses nothing.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { agent, cleanup, startRegistry, type TestRegistry, tool } from "./fixtures.js";

const open: TestRegistry[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.close().catch(() => {});
    cleanup(r.dir);
  }
});

async function listening(
  config: Parameters<typeof startRegistry>[0] = {},
): Promise<{ reg: TestRegistry; url: string }> {
  const reg = await startRegistry({ ...config, config: { host: "127.0.0.1", port: 0, ...config.config } });
  open.push(reg);
  reg.clock.now = Date.now();
  const url = await reg.listen();
  return { reg, url };
}

interface SseClient {
  events: Array<{ event: string; data: any }>;
  comments: string[];
  next(count: number, timeoutMs?: number): Promise<void>;
  close(): void;
  status: number;
}

function watch(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const client: SseClient = { events: [], comments: [], status: 0, next: async () => {}, close: () => {} };
    const req = http.get(url, (res) => {
      client.status = res.statusCode ?? 0;
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buf += chunk;
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          if (frame.startsWith(":")) client.comments.push(frame);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) client.events.push({ event, data: JSON.parse(data) });
        }
      });
      client.next = async (count, timeoutMs = 3000) => {
        const deadline = Date.now() + timeoutMs;
        while (client.events.length < count) {
          if (Date.now() > deadline) throw new Error(`expected ${count} events, got ${client.events.length}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      client.close = () => req.destroy();
      resolve(client);
    });
    req.on("error", reject);
  });
}

const provider = (id: string) => agent(id, [tool("get_date", "date_service", { tags: ["system"] })]);
const consumer = (id: string) =>
  agent(id, [tool("greet", "greeting", { dependencies: [{ capability: "date_service" }] })]);

describe("watch stream", () => {
  it("pushes the new resolution the moment a provider arrives and leaves", async () => {
    const { reg, url } = await listening();
    await reg.post(consumer("greeter"));
    const w = await watch(`${url}/watch/greeter`);
    expect(w.status).toBe(200);
    await w.next(1);
    expect(w.events[0]?.data.dependencies_resolved.greet[0].status).toBe("unresolved");

    await reg.post(provider("date-a"));
    await w.next(2);
    expect(w.events[1]?.data.dependencies_resolved.greet[0]).toMatchObject({ status: "available", agent_id: "date-a" });
    // Delivered on the stream, so the fast heartbeat has nothing more to say.
    expect(await reg.head("greeter")).toBe(200);

    await reg.del("date-a");
    await w.next(3);
    expect(w.events[2]?.data.dependencies_resolved.greet[0].status).toBe("unresolved");
    w.close();
  });

  it("refuses unknown agents and sends keep-alive comments", async () => {
    const { reg, url } = await listening({ config: { watchKeepaliveMs: 50 } });
    const missing = await watch(`${url}/watch/nobody`);
    expect(missing.status).toBe(404);
    missing.close();
    await reg.post(consumer("greeter"));
    const w = await watch(`${url}/watch/greeter`);
    await new Promise((r) => setTimeout(r, 200));
    expect(w.comments.some((c) => c.startsWith(": keepalive"))).toBe(true);
    w.close();
  });

  it("marks an agent unhealthy when its stream drops and it goes silent", async () => {
    const { reg, url } = await listening({ config: { watchGraceMs: 150 } });
    await reg.post(provider("date-a"));
    await reg.post(consumer("greeter"));
    const w = await watch(`${url}/watch/date-a`);
    await w.next(1);
    w.close();
    await new Promise((r) => setTimeout(r, 400));
    const a = (await reg.get("/agents/date-a")).json;
    expect(a.status).toBe("unhealthy");
    const ev = (await reg.get("/events?type=unhealthy&agent_id=date-a")).json.events[0];
    expect(ev.data.reason).toBe("watch_disconnected");
  });

  it("leaves an agent healthy when it reconnects within the grace period", async () => {
    const { reg, url } = await listening({ config: { watchGraceMs: 300 } });
    await reg.post(provider("date-a"));
    const w = await watch(`${url}/watch/date-a`);
    await w.next(1);
    w.close();
    const again = await watch(`${url}/watch/date-a`);
    await new Promise((r) => setTimeout(r, 500));
    expect((await reg.get("/agents/date-a")).json.status).toBe("healthy");
    again.close();
  });
});

describe("restart", () => {
  it("keeps agents, capabilities, resolutions and events across a restart", async () => {
    const first = await startRegistry();
    await first.post(provider("date-a"));
    await first.post(consumer("greeter"));
    await first.del("date-a");
    await first.post(provider("date-b"));
    const before = (await first.get("/agents")).json.agents;
    const eventsBefore = (await first.get("/events?limit=500")).json.events;
    expect(await first.head("greeter")).toBe(202);
    await first.close();

    const second = await startRegistry({ dir: first.dir, now: first.clock.now + 1000 });
    open.push(second);
    const after = (await second.get("/agents")).json.agents;
    const strip = (agents: any[]) => agents.map(({ last_seen, ...a }) => a).sort((x, y) => x.id.localeCompare(y.id));
    expect(strip(after)).toEqual(strip(before));
    expect((await second.get("/events?limit=500")).json.events).toEqual(eventsBefore);
    // What the consumer was last told survives too: it still has a change to fetch.
    expect(await second.head("greeter")).toBe(202);
    const r = await second.post(consumer("greeter"));
    expect(r.json.dependencies_resolved.greet[0].agent_id).toBe("date-b");
  });

  it("marks agents that were silent for 30 s unhealthy at start", async () => {
    const first = await startRegistry();
    await first.post(provider("date-a"));
    await first.close();
    const second = await startRegistry({ dir: first.dir, now: first.clock.now + 31_000 });
    open.push(second);
    expect((await second.get("/agents/date-a")).json.status).toBe("unhealthy");
    expect(await second.head("date-a")).toBe(410);
    const ev = (await second.get("/events?type=unhealthy")).json.events[0];
    expect(ev.data.reason).toBe("stale_on_startup");
  });
});
