// Is an agent's HTTP endpoint answering at all? A GET /livez with its own deadline (a hung
// process accepts connections and never answers). Any HTTP answer counts: a provider that is
// not one of ours may have no /livez and answer 404, and is alive all the same.
import type { Dispatcher } from "undici";

export async function endpointAnswers(dispatcher: Dispatcher, endpoint: string, timeoutMs: number): Promise<boolean> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      abort.abort();
      resolve(false);
    }, timeoutMs);
  });
  const request = dispatcher
    .request({ origin: endpoint, path: "/livez", method: "GET", signal: abort.signal, headersTimeout: timeoutMs })
    .then(async (res) => {
      await res.body.dump();
      return true;
    })
    .catch(() => false);
  try {
    return await Promise.race([request, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
