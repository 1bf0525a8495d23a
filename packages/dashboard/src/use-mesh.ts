// The mesh as the pages see it: agents and recent events, fetched once and again each time the
// registry pushes a change on its SSE feed (no polling). `version` counts the pushes.
import { useEffect, useState } from "react";
import { type Agent, fetchAgents, fetchEvents, type MeshEvent, STREAM_PATH } from "./api";
import { followStream } from "./event-source";

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
    const close = followStream(STREAM_PATH, {
      onOpen: () => {
        setMesh((m) => ({ ...m, live: true }));
        void load();
      },
      onDown: () => setMesh((m) => ({ ...m, live: false })),
      events: { change: () => void load() },
    });
    return () => {
      stopped = true;
      close();
    };
  }, []);
  return mesh;
}
