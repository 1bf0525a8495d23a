// The mesh as the pages see it: agents and recent events, fetched once and again each time the
// registry pushes a change on its SSE feed (no polling). `version` counts the pushes.
import { useEffect, useState } from "react";
import { type Agent, fetchAgents, fetchEvents, type MeshEvent, STREAM_PATH } from "./api";

export interface Mesh {
  agents: Agent[];
  events: MeshEvent[];
  version: number;
  live: boolean;
  error?: string;
}

export function useMesh(): Mesh {
  const [mesh, setMesh] = useState<Mesh>({ agents: [], events: [], version: 0, live: false });
  useEffect(() => {
    let stopped = false;
    let seq = 0;
    const load = async () => {
      const mine = ++seq;
      try {
        const [agents, events] = await Promise.all([fetchAgents(), fetchEvents()]);
        if (!stopped && mine === seq)
          setMesh((m) => ({ ...m, agents, events, version: m.version + 1, error: undefined }));
      } catch (e) {
        if (!stopped) setMesh((m) => ({ ...m, error: (e as Error).message }));
      }
    };
    // The browser reconnects by itself after a network error, but gives up on an HTTP error
    // (e.g. 429 when too many dashboards are open): then try again after a pause.
    let source: EventSource;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      source = new EventSource(STREAM_PATH);
      source.addEventListener("open", () => {
        setMesh((m) => ({ ...m, live: true }));
        void load();
      });
      source.addEventListener("change", () => void load());
      source.addEventListener("error", () => {
        setMesh((m) => ({ ...m, live: false }));
        if (source.readyState === EventSource.CLOSED && !stopped) retry = setTimeout(connect, 5000);
      });
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source.close();
    };
  }, []);
  return mesh;
}
