// One server-sent event stream of the registry, kept open: the browser reconnects by itself
// after a network error but gives up on an HTTP error (a 429 when too many dashboards are open,
// a 503 while the registry restarts), so then we try again after a pause.

export interface StreamHandlers {
  onOpen?: () => void;
  /** Called on every error; `live` is false while the stream is down. */
  onDown?: () => void;
  /** event name → handler of its parsed `data` (undefined when the data is not JSON). */
  events: Record<string, (data: unknown) => void>;
}

const RETRY_MS = 5000;

/** Opens `path` (relative to the page) and returns the function that closes it for good. */
export function followStream(path: string, h: StreamHandlers): () => void {
  let stopped = false;
  let source: EventSource | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const connect = () => {
    const s = new EventSource(path);
    source = s;
    if (h.onOpen) s.addEventListener("open", h.onOpen);
    for (const [name, handler] of Object.entries(h.events))
      s.addEventListener(name, (e) => {
        let data: unknown;
        try {
          data = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          data = undefined;
        }
        handler(data);
      });
    s.addEventListener("error", () => {
      h.onDown?.();
      if (s.readyState === EventSource.CLOSED && !stopped) retry = setTimeout(connect, RETRY_MS);
    });
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    source?.close();
  };
}
