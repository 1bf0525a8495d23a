import { useState } from "react";
import type { Agent } from "../api";

export function Agents({ agents }: { agents: Agent[] }) {
  const [q, setQ] = useState("");
  const needle = q.trim().toLowerCase();
  const shown = agents.filter(
    (a) =>
      !needle ||
      a.id.toLowerCase().includes(needle) ||
      (a.capabilities ?? []).some(
        (c) => c.name.toLowerCase().includes(needle) || c.function_name.toLowerCase().includes(needle),
      ),
  );
  return (
    <section>
      <h2>Agents</h2>
      <input
        placeholder="Search agents or capabilities"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-label="search"
      />
      <table data-testid="agents-table">
        <thead>
          <tr>
            <th>Agent</th>
            <th>Status</th>
            <th>Runtime</th>
            <th>Capabilities</th>
            <th>Dependencies</th>
            <th>Endpoint</th>
            <th>Last seen</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`#/agents/${encodeURIComponent(a.id)}`}>{a.id}</a>
              </td>
              <td>
                <span className={`badge st-${a.status}`}>{a.status}</span>
              </td>
              <td>{a.runtime ?? ""}</td>
              <td>{(a.capabilities ?? []).map((c) => c.name).join(", ")}</td>
              <td>
                {a.dependencies_resolved ?? 0} / {a.total_dependencies ?? 0}
              </td>
              <td className="muted">{a.endpoint}</td>
              <td className="muted">{a.last_seen ? new Date(a.last_seen).toLocaleTimeString() : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
