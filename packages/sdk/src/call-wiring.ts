// What makes an agent's (or a web app's) dependency calls: one pooled dispatcher, the outlier
// tracker its proxies share, and the wiring whose slots hold a proxy per dependency. Built the
// same way for both, so a setting a proxy reads (timeouts, headers, the mesh credential) cannot
// be passed to one and forgotten for the other.
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { endpointAnswers } from "./client/probe.js";
import type { AgentConfig } from "./config.js";
import type { AgentMetrics } from "./metrics.js";
import { createOutlierTracker, outlierMessage } from "./outlier.js";
import { createProxy, type ProxyEnv } from "./proxy.js";
import type { ClientTls } from "./tls.js";
import type { RuntimeTool } from "./tool.js";
import { createDispatcher } from "./transport-client.js";
import { Wiring } from "./wiring.js";

export interface CallWiringOptions {
  tools: RuntimeTool[];
  agentId: string;
  config: AgentConfig;
  logger: Logger;
  /** The agent's metrics; absent (a web app): calls are not counted. */
  metrics?: AgentMetrics;
  callLocal: ProxyEnv["callLocal"];
  streamLocal: ProxyEnv["streamLocal"];
  /** CA to verify providers (and the registry) with, and the client certificate to show. */
  tls?: ClientTls | undefined;
  /** Session affinity; absent: session calls rotate like others. */
  sessions?: ProxyEnv["sessions"];
}

export function createCallWiring(opts: CallWiringOptions): { dispatcher: Dispatcher; wiring: Wiring } {
  const { config, logger, metrics } = opts;
  const dispatcher = createDispatcher({ tls: opts.tls });
  const outliers = createOutlierTracker({
    onEvent: (e) => {
      metrics?.countOutlier(e.kind);
      logger.info(e, outlierMessage(e));
    },
    probe: (endpoint) => endpointAnswers(dispatcher, endpoint, 1000),
  });
  const wiring = new Wiring(opts.tools, (slot) =>
    createProxy(slot, {
      dispatcher,
      selfId: () => opts.agentId,
      callLocal: opts.callLocal,
      streamLocal: opts.streamLocal,
      defaultTimeoutMs: config.callTimeoutMs,
      propagateHeaders: config.propagateHeaders,
      agentToken: config.agentToken,
      record: metrics?.recordDependency ?? (() => undefined),
      count: metrics?.countDependency,
      outliers,
      sessions: opts.sessions,
    }),
  );
  return { dispatcher, wiring };
}
