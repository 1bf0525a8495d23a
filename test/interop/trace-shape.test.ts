// Our GET /trace/{trace_id} against the reference's shape. The reference registry (3.7.1) answers
// that route only from Tempo (its correlation mode ignores today's record format), so the shape
// is checked where it is consumed: the reference `meshctl trace` reads our registry, built from
// real mesh:trace records in a real Redis, and decodes every field of its own struct from our
// answer, value for value (a TypeScript and a Python-style record, a failure, an internal span).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { TraceView } from "@mcp-mesh/protocol";
import { createClient } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RedisServer, startOwnRedis } from "../../scripts/redis.mjs";
import { missingOurs, startOurRegistry } from "./ours.js";
import { describeWithPrerequisites } from "./prerequisites.js";
import type { RegistryProcess } from "./processes.js";
import { missingReferenceBinaries, referenceBinary } from "./reference.js";

const run = promisify(execFile);
type Rec = Record<string, string>;
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const T0 = 1_790_000_000.25;

function rec(span: string, parent: string, fn: string, agent: string, offset: number, extra: Rec = {}): Rec {
  return {
    trace_id: TRACE,
    span_id: span,
    parent_span: parent,
    function_name: fn,
    start_time: (T0 + offset).toFixed(6),
    end_time: (T0 + offset + 0.0125).toFixed(6),
    duration_ms: "12.50",
    success: "true",
    error: "null",
    result_type: "dict",
    args_count: "1",
    kwargs_count: "0",
    injected_dependencies: "1",
    dependencies: "[]",
    mesh_positions: "[]",
    agent_id: `${agent}-1a2b3c4d`,
    agent_name: agent,
    agent_namespace: "default",
    agent_hostname: "127.0.0.1",
    agent_ip: "10.0.0.7",
    agent_port: "9000",
    agent_endpoint: "http://127.0.0.1:9000",
    runtime: "typescript",
    published_at: (T0 + 1).toFixed(6),
    ...extra,
  };
}

const RECORDS = [
  rec("1111111111111111", "null", "hello", "greeter", 0),
  rec("2222222222222222", "1111111111111111", "proxy_call_wrapper", "greeter", 0.001),
  rec("3333333333333333", "2222222222222222", "get_date", "py-dates", 0.002, {
    success: "False",
    error: "tz unknown",
    runtime: "python",
  }),
];

/** The reference's struct, as its meshctl decodes our answer and prints it with --json. */
interface RefSpan {
  TraceID: string;
  SpanID: string;
  ParentSpan?: string;
  AgentName: string;
  AgentID: string;
  IPAddress: string;
  Operation: string;
  StartTime: string;
  EndTime?: string;
  DurationMS?: number;
  Success?: boolean;
  ErrorMessage?: string;
  Runtime: string;
}
interface RefTrace {
  TraceID: string;
  Spans: RefSpan[];
  StartTime: string;
  EndTime: string;
  Duration: number;
  Success: boolean;
  SpanCount: number;
  AgentCount: number;
  Agents: string[];
}

describeWithPrerequisites(
  "GET /trace/{id} in the reference's shape",
  [...missingOurs(), ...missingReferenceBinaries("meshctl")],
  () => {
    let redis: RedisServer;
    let registry: RegistryProcess;
    const meshctl = (...args: string[]) =>
      run(referenceBinary("meshctl"), ["trace", TRACE, "--registry-url", registry.url, "--retries", "10", ...args], {
        encoding: "utf8",
        timeout: 60_000,
      });

    beforeAll(async () => {
      const r = await startOwnRedis();
      if (!r) throw new Error("no Redis (scripts/redis.mjs)");
      redis = r;
      registry = await startOurRegistry({ MCP_MESH_DISTRIBUTED_TRACING_ENABLED: "true", REDIS_URL: redis.url });
      const client = createClient({ url: redis.url });
      await client.connect();
      // Published once; the second copy of the root is a publisher's retry, which stays one span.
      for (const r of [...RECORDS, RECORDS[0] as Rec])
        await client.sendCommand(["XADD", "mesh:trace", "*", ...Object.entries(r).flat()]);
      client.destroy();
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const res = await fetch(`${registry.url}/trace/${TRACE}`);
        if (res.ok && ((await res.json()) as TraceView).span_count === RECORDS.length) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("the registry did not assemble the trace");
    }, 60_000);

    afterAll(async () => {
      await registry?.stop();
      await redis?.stop();
    });

    it("the reference meshctl decodes every field of its trace struct from our answer", async () => {
      const got = JSON.parse((await meshctl("--json")).stdout) as RefTrace;
      // RFC 3339 as Go writes it: the fraction to the microsecond, trailing zeros dropped.
      const starts = ["2026-09-21T14:13:20.25Z", "2026-09-21T14:13:20.251Z", "2026-09-21T14:13:20.252Z"];
      const ends = ["2026-09-21T14:13:20.2625Z", "2026-09-21T14:13:20.2635Z", "2026-09-21T14:13:20.2645Z"];
      expect(got.TraceID).toBe(TRACE);
      expect(got.SpanCount).toBe(3);
      expect(got.AgentCount).toBe(2);
      expect(got.Agents).toEqual(["greeter", "py-dates"]);
      expect(got.Success).toBe(false);
      expect(got.StartTime).toBe(starts[0]);
      expect(got.EndTime).toBe(ends[2]);
      expect(got.Duration).toBe(14_500_000);
      expect(got.Spans).toEqual(
        RECORDS.map((r, i) => ({
          TraceID: TRACE,
          SpanID: r.span_id,
          ...(r.parent_span !== "null" && { ParentSpan: r.parent_span }),
          AgentName: r.agent_name,
          AgentID: r.agent_id,
          IPAddress: "10.0.0.7",
          Operation: r.function_name,
          StartTime: starts[i],
          EndTime: ends[i],
          DurationMS: 12,
          Success: r.success === "true",
          ...(r.error !== "null" && { ErrorMessage: r.error }),
          Runtime: r.runtime,
        })),
      );
    });

    it("the reference meshctl prints the call tree, internal spans on request", async () => {
      const tree = (await meshctl()).stdout;
      expect(tree).toContain(`Call Tree for trace ${TRACE}`);
      expect(tree).toMatch(/└─ hello \(greeter\) \[12ms\] ✓\n {3}└─ get_date \(py-dates\) \[12ms\] ✗/);
      expect(tree).toContain("Summary: 3 spans across 2 agents");
      const all = (await meshctl("--show-internal")).stdout;
      expect(all).toMatch(/└─ hello \(greeter\)[^\n]*\n {3}└─ proxy_call_wrapper \(greeter\)[^\n]*\n {6}└─ get_date/);
    });
  },
);
