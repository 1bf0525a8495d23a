// Shared set-up of the registry suites: an app on a temp SQLite file, driven with inject().
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { RegistryConfig } from "../src/config.js";
import { createRegistry, openSqliteStore, type Registry } from "../src/index.js";

export interface TestRegistry extends Registry {
  dir: string;
  dbPath: string;
  clock: { now: number };
  post(body: unknown): Promise<{ status: number; json: any }>;
  head(id: string): Promise<number>;
  get(url: string): Promise<{ status: number; json: any }>;
  del(id: string): Promise<number>;
}

export async function startRegistry(
  opts: { dir?: string; config?: Partial<RegistryConfig>; now?: number } = {},
): Promise<TestRegistry> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "mesh-reg-"));
  const dbPath = join(dir, "registry.db");
  const clock = { now: opts.now ?? Date.now() };
  const reg = await createRegistry({
    store: openSqliteStore(dbPath),
    config: { watchGraceMs: 0, ...opts.config },
    clock: () => clock.now,
    logger: pino({ level: "silent" }),
    timers: false,
  });
  const post = async (body: unknown) => {
    const r = await reg.app.inject({
      method: "POST",
      url: "/heartbeat",
      payload: typeof body === "string" ? body : JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    return { status: r.statusCode, json: r.body ? JSON.parse(r.body) : null };
  };
  const head = async (id: string) => (await reg.app.inject({ method: "HEAD", url: `/heartbeat/${id}` })).statusCode;
  const get = async (url: string) => {
    const r = await reg.app.inject({ method: "GET", url });
    let json: any = null;
    try {
      json = JSON.parse(r.body);
    } catch {
      json = r.body;
    }
    return { status: r.statusCode, json };
  };
  const del = async (id: string) => (await reg.app.inject({ method: "DELETE", url: `/agents/${id}` })).statusCode;
  return Object.assign(reg, { dir, dbPath, clock, post, head, get, del });
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A registration body shaped like the reference runtimes send it. */
export function agent(
  id: string,
  tools: Array<Record<string, unknown>>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    agent_id: id,
    name: id.replace(/-[0-9a-f]{8}$/, ""),
    agent_type: "mcp_agent",
    runtime: "typescript",
    version: "1.0.0",
    http_host: "127.0.0.1",
    http_port: 9000 + (hash(id) % 1000),
    namespace: "default",
    status: "healthy",
    a2a_producer: false,
    a2a_consumer: false,
    tools,
    ...extra,
  };
}

export function tool(fn: string, capability: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { function_name: fn, capability, version: "1.0.0", inputSchema: { type: "object", properties: {} }, ...extra };
}

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
