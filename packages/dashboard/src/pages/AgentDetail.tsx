// One agent: its tools, each dependency with the provider chosen, the alternatives and why
// (the resolution audit's stages from GET /events), its LLM tools and providers, and with
// tracing on the calls it made and served (traffic per edge).
import type { TrafficView } from "@mcp-mesh/protocol";
import { useEffect, useState } from "react";
import { type Agent, type AuditStage, fetchAgent, fetchEvents, type MeshEvent } from "../api";
import { TrafficTable } from "./Traffic";

export function AgentDetail({ id, version, traffic }: { id: string; version: number; traffic?: TrafficView }) {
  const [agent, setAgent] = useState<Agent | null>(null);
  const [audit, setAudit] = useState<MeshEvent[]>([]);
  const [error, setError] = useState<string>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the push that asks for a re-fetch
  useEffect(() => {
    let stale = false;
    const q = `agent_id=${encodeURIComponent(id)}&type=dependency_resolved&type=dependency_unresolved&limit=200`;
    Promise.all([fetchAgent(id), fetchEvents(q)])
      .then(([a, ev]) => {
        if (stale) return;
        setAgent(a);
        setAudit(ev);
        setError(undefined);
      })
      .catch((e: Error) => !stale && setError(e.message));
    return () => {
      stale = true;
    };
  }, [id, version]);
  if (error) return <p className="error">{error}</p>;
  if (!agent) return <p className="muted">Loading…</p>;
  const positional = agent.resolution?.dependencies_resolved ?? {};
  return (
    <section>
      <h2>
        {agent.id} <span className={`badge st-${agent.status}`}>{agent.status}</span>
      </h2>
      <p className="muted">
        {agent.endpoint} · {agent.runtime ?? ""} {agent.version ?? ""}
      </p>
      {traffic?.enabled ? (
        <div data-testid="agent-traffic">
          <h3>Traffic (last {Math.round(traffic.window_seconds / 60)} min)</h3>
          <TrafficTable edges={traffic.edges.filter((e) => e.source === agent.id || e.target === agent.id)} />
        </div>
      ) : null}
      <h3>Tools</h3>
      <ul>
        {(agent.capabilities ?? []).map((c) => (
          <li key={c.function_name}>
            <b>{c.function_name}</b> provides <code>{c.name}</code> {c.version ?? ""}
            {c.tags?.length ? ` [${c.tags.join(", ")}]` : ""}
            {c.available === false ? <span className="error"> unavailable: {c.unavailable_reason}</span> : null}
          </li>
        ))}
      </ul>
      <h3>Dependencies</h3>
      {(agent.dependency_resolutions ?? []).length === 0 ? <p className="muted">None.</p> : null}
      <div data-testid="dependencies">
        {(agent.dependency_resolutions ?? []).map((d) => {
          const pos = (positional[d.function_name] ?? []).find((p) => p.capability === d.capability);
          const why = audit.find(
            (e) => e.function_name === d.function_name && e.data?.spec?.capability === d.capability,
          );
          return (
            <div className="dep" key={`${d.function_name}-${d.capability}-${d.provider_agent_id ?? d.status}`}>
              <div>
                <b>{d.function_name}</b> needs <code>{d.capability}</code> →{" "}
                {d.status === "available" ? (
                  <a href={`#/agents/${encodeURIComponent(d.provider_agent_id ?? "")}`}>
                    {d.provider_agent_id} ({d.mcp_tool})
                  </a>
                ) : (
                  <span className="error">{d.status}</span>
                )}
              </div>
              {pos?.alternatives?.length ? (
                <div className="muted">
                  Alternatives: {pos.alternatives.map((x) => `${x.agent_id}${x.equal ? " (replica)" : ""}`).join(", ")}
                </div>
              ) : null}
              <Why stages={why?.data?.stages} at={why?.timestamp} />
            </div>
          );
        })}
      </div>
      <h3>LLM tools and providers</h3>
      <ul>
        {(agent.llm_tool_resolutions ?? []).map((t) => (
          <li key={`t-${t.function_name}-${t.mcp_tool}-${t.endpoint}`}>
            {t.function_name} uses tool <code>{t.mcp_tool}</code> ({t.provider_capability}) at {t.endpoint}
          </li>
        ))}
        {(agent.llm_provider_resolutions ?? []).map((p) => (
          <li key={`p-${p.function_name}`}>
            {p.function_name} uses LLM provider <code>{p.required_capability}</code> →{" "}
            {p.provider_agent_id ?? <span className="error">{p.status}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A busy capability's audit lists the first few ids of a stage and counts the rest. */
function more(listed: number, total: number | undefined): string {
  return total && total > listed ? ` and ${total - listed} more` : "";
}

function Why({ stages, at }: { stages?: AuditStage[]; at?: string }) {
  if (!stages?.length) return <div className="muted">No resolution audit recorded yet.</div>;
  return (
    <details open className="why" data-testid="why">
      <summary>Why (resolved {at ? new Date(at).toLocaleTimeString() : ""})</summary>
      <ol>
        {stages.map((s) => (
          <li key={`${s.stage}:${s.chosen ?? ""}:${(s.kept ?? []).join(",")}`}>
            <b>{s.stage}</b>
            {s.kept?.length ? ` kept ${s.kept.join(", ")}${more(s.kept.length, s.kept_total)}` : ""}
            {s.evicted?.length
              ? ` · evicted ${s.evicted.map((e) => `${e.id} (${e.reason})`).join(", ")}${more(s.evicted.length, s.evicted_total)}`
              : ""}
            {s.chosen ? ` · chose ${s.chosen}` : ""}
            {s.reason ? ` · ${s.reason}` : ""}
          </li>
        ))}
      </ol>
    </details>
  );
}
