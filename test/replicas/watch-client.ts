// A minimal GET /watch/{id} reader: collects the resolution events a registry pushes.
export interface WatchClient {
  events: any[];
  close(): void;
}

export async function watch(url: string, id: string): Promise<WatchClient> {
  const ctl = new AbortController();
  const res = await fetch(`${url}/watch/${id}`, { signal: ctl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`watch ${id} on ${url}: HTTP ${res.status}`);
  const client: WatchClient = { events: [], close: () => ctl.abort() };
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buf = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        for (let i = buf.indexOf("\n\n"); i >= 0; i = buf.indexOf("\n\n")) {
          const data = /^data: (.*)$/m.exec(buf.slice(0, i))?.[1];
          buf = buf.slice(i + 2);
          if (data) client.events.push(JSON.parse(data));
        }
      }
    } catch {
      // closed
    }
  })();
  return client;
}
