// Traffic per edge over a window, pushed by the registry on /traffic/stream whenever the counts
// change (at most once a second); nothing polls. Shared by the topology and the traffic page.
import type { TrafficView } from "@mcp-mesh/protocol";
import { useEffect, useState } from "react";
import { trafficStreamPath } from "./api";
import { followStream } from "./event-source";

export const WINDOWS: Array<{ seconds: number; label: string }> = [
  { seconds: 60, label: "1 min" },
  { seconds: 300, label: "5 min" },
  { seconds: 900, label: "15 min" },
  { seconds: 3600, label: "1 h" },
];

/** Follows the stream only while `windowSeconds` > 0 (a page that shows traffic is open). */
export function useTraffic(windowSeconds: number): TrafficView | undefined {
  const [view, setView] = useState<TrafficView>();
  useEffect(() => {
    setView(undefined);
    if (windowSeconds <= 0) return;
    return followStream(trafficStreamPath(windowSeconds), {
      events: {
        traffic: (data) => {
          const v = data as TrafficView | undefined;
          if (v && Array.isArray(v.edges)) setView(v);
        },
      },
    });
  }, [windowSeconds]);
  return view;
}

/** The window the user picked, kept across pages and reloads. */
export function useTrafficWindow(): [number, (s: number) => void] {
  const [w, setW] = useState(() => {
    const saved = Number(globalThis.localStorage?.getItem("mesh.trafficWindow"));
    return WINDOWS.some((x) => x.seconds === saved) ? saved : 300;
  });
  return [
    w,
    (s) => {
      globalThis.localStorage?.setItem("mesh.trafficWindow", String(s));
      setW(s);
    },
  ];
}
