// The dashboard shell: a hash router (so any base path works), the nav, and the pages.
import "@xyflow/react/dist/style.css";
import "./style.css";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { AgentDetail } from "./pages/AgentDetail";
import { Agents } from "./pages/Agents";
import { Events } from "./pages/Events";
import { Overview } from "./pages/Overview";
import { Topology } from "./pages/Topology";
import { Traces } from "./pages/Traces";
import { Traffic } from "./pages/Traffic";
import { useMesh } from "./use-mesh";
import { useTraffic, useTrafficWindow } from "./use-traffic";

function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || "/");
  useEffect(() => {
    const on = () => setRoute(location.hash.slice(1) || "/");
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

function App() {
  const mesh = useMesh();
  const route = useRoute();
  const [windowSeconds, setWindow] = useTrafficWindow();
  const wantsTraffic = ["/", "/topology", "/traffic"].includes(route) || route.startsWith("/agents/");
  const traffic = useTraffic(wantsTraffic ? windowSeconds : 0);
  const detail = /^\/agents\/(.+)$/.exec(route);
  const trace = /^\/traces(?:\/(.+))?$/.exec(route);
  let page: React.ReactNode;
  if (detail)
    page = <AgentDetail id={decodeURIComponent(detail[1] as string)} version={mesh.version} traffic={traffic} />;
  else if (route === "/agents") page = <Agents agents={mesh.agents} />;
  else if (route === "/topology")
    page = (
      <Topology
        agents={mesh.agents}
        version={mesh.version}
        traffic={traffic}
        windowSeconds={windowSeconds}
        onWindow={setWindow}
      />
    );
  else if (route === "/traffic") page = <Traffic view={traffic} windowSeconds={windowSeconds} onWindow={setWindow} />;
  else if (trace) page = <Traces id={trace[1] ? decodeURIComponent(trace[1]) : undefined} />;
  else if (route === "/events") page = <Events events={mesh.events} />;
  else page = <Overview mesh={mesh} traffic={traffic} />;
  const link = (to: string, label: string) => (
    <a href={`#${to}`} className={route === to ? "active" : ""}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <h1>MCP Mesh</h1>
        <nav>
          {link("/", "Overview")}
          {link("/agents", "Agents")}
          {link("/topology", "Topology")}
          {link("/traffic", "Traffic")}
          {link("/events", "Events")}
          {link("/traces", "Traces")}
        </nav>
        <span className={mesh.live ? "live on" : "live"} data-testid="live">
          {mesh.live ? "● live" : "○ connecting"}
        </span>
      </header>
      {mesh.error ? <p className="error">{mesh.error}</p> : null}
      <main>{page}</main>
    </>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
