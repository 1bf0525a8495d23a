import type { MeshEvent } from "../api";

export function EventList({ events }: { events: MeshEvent[] }) {
  if (!events.length) return <p className="muted">No events yet.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>Time</th>
          <th>Event</th>
          <th>Agent</th>
          <th>Function</th>
          <th>Detail</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={`${e.timestamp}-${e.event_type}-${e.agent_id}-${e.function_name ?? ""}-${e.data?.dep_index ?? ""}`}>
            <td>{new Date(e.timestamp).toLocaleTimeString()}</td>
            <td>
              <span className={`badge ev-${e.event_type}`}>{e.event_type}</span>
            </td>
            <td>
              <a href={`#/agents/${encodeURIComponent(e.agent_id)}`}>{e.agent_id}</a>
            </td>
            <td>{e.function_name ?? ""}</td>
            <td className="muted">{detail(e)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function detail(e: MeshEvent): string {
  const d = e.data;
  if (!d) return "";
  if (d.spec?.capability) return `${d.spec.capability} → ${d.chosen?.agent_id ?? "none"}`;
  return typeof d.reason === "string" ? d.reason : "";
}

export function Events({ events }: { events: MeshEvent[] }) {
  return (
    <section>
      <h2>Events</h2>
      <EventList events={events} />
    </section>
  );
}
