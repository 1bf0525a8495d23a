// The agent's metric registry on its own: names, labels and the edge cases a scrape would show.
import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.js";

describe("agent metrics", () => {
  it("counts LLM iterations and tokens by side, provider, model and type; a bad usage count is not a crash", async () => {
    const m = createMetrics("llm-agent");
    m.recordLlm("provider", "openai", "openai/gpt-4o", 120, 30);
    m.recordLlm("provider", "openai", "openai/gpt-4o", -5, Number.NaN); // a vendor's nonsense usage
    const text = await m.registry.metrics();
    expect(text).toContain(
      'mcp_mesh_llm_iterations_total{side="provider",provider="openai",model="openai/gpt-4o",agent="llm-agent"} 2',
    );
    expect(text).toContain(
      'mcp_mesh_llm_tokens_total{side="provider",provider="openai",model="openai/gpt-4o",type="input",agent="llm-agent"} 120',
    );
    expect(text).toContain(
      'mcp_mesh_llm_tokens_total{side="provider",provider="openai",model="openai/gpt-4o",type="output",agent="llm-agent"} 30',
    );
  });

  it("counts fail-overs, retries, hedges and stream chunks per capability, ejections, returns and re-wirings", async () => {
    const m = createMetrics("a");
    m.countDependency("failover", "numbers");
    m.countDependency("failover", "numbers");
    m.countDependency("hedge", "numbers");
    m.countDependency("retry", "dates");
    m.countDependency("stream_chunk", "chat");
    m.countOutlier("ejected");
    m.countOutlier("returned");
    m.countRewirings(0);
    m.countRewirings(3);
    const text = await m.registry.metrics();
    expect(text).toContain('mcp_mesh_dependency_failovers_total{capability="numbers",agent="a"} 2');
    expect(text).toContain('mcp_mesh_dependency_hedges_total{capability="numbers",agent="a"} 1');
    expect(text).toContain('mcp_mesh_dependency_retries_total{capability="dates",agent="a"} 1');
    expect(text).toContain('mcp_mesh_dependency_stream_chunks_total{capability="chat",agent="a"} 1');
    expect(text).toContain('mcp_mesh_outlier_ejections_total{agent="a"} 1');
    expect(text).toContain('mcp_mesh_outlier_returns_total{agent="a"} 1');
    expect(text).toContain('mcp_mesh_rewirings_total{agent="a"} 3');
  });

  it("shows the session memory fallback as the store's state at scrape time (0 before sessions are used)", async () => {
    const m = createMetrics("a");
    expect(await m.registry.metrics()).toContain('mcp_mesh_session_store_memory_fallback{agent="a"} 0');
    let backend: "redis" | "memory" | undefined;
    m.watchSessionBackend(() => backend);
    expect(await m.registry.metrics()).toContain('mcp_mesh_session_store_memory_fallback{agent="a"} 0');
    backend = "redis";
    expect(await m.registry.metrics()).toContain('mcp_mesh_session_store_memory_fallback{agent="a"} 0');
    backend = "memory";
    expect(await m.registry.metrics()).toContain('mcp_mesh_session_store_memory_fallback{agent="a"} 1');
  });
});
