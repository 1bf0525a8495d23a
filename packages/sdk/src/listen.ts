// Binding the agent's listener. A requested port that is busy, or that is the registry's own
// port on this machine, falls back to a free one (the bound port is what gets registered); the
// agent says so in its log, and meshctl shows that line.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";

export interface Bound {
  port: number;
  /** Why the requested port was not used, when it was not. */
  fallback: "busy" | "registry" | undefined;
}

/** Listens on `port` (0 = any), never on `registryPort`; a busy port falls back to a free one. */
export async function listen(server: Server, host: string, port: number, registryPort?: number): Promise<Bound> {
  if (port !== 0 && port === registryPort) return { port: await attempt(server, host, 0), fallback: "registry" };
  try {
    return { port: await attempt(server, host, port), fallback: undefined };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw err;
    return { port: await attempt(server, host, 0), fallback: "busy" };
  }
}

/**
 * The warning for a port that changed. A contract: meshctl matches `requested_port` and `port`,
 * and users read the message.
 */
export function warnFallback(logger: Logger, requested: number, bound: Bound): void {
  if (!bound.fallback) return;
  const why = bound.fallback === "busy" ? "is busy" : "is the registry's port";
  logger.warn(
    { requested_port: requested, port: bound.port },
    `requested port ${requested} ${why}; listening on ${bound.port} instead`,
  );
}

/** The registry's port when its URL names this machine (only then can the two collide). */
export function localRegistryPort(registryUrl: string, ownHosts: (string | undefined)[]): number | undefined {
  let u: URL;
  try {
    u = new URL(registryUrl);
  } catch {
    return undefined;
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const local =
    host === "localhost" || host.startsWith("127.") || host === "::1" || host === "0.0.0.0" || ownHosts.includes(host);
  if (!local) return undefined;
  return Number(u.port || (u.protocol === "https:" ? 443 : 80));
}

function attempt(server: Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
}
