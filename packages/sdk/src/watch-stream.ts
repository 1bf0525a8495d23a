// Following our registry's GET /watch/{agent_id} (server-sent events): each `resolution` event
// re-wires the agent at once instead of at the next heartbeat. 404/410 mean "register again";
// a plain-text 404 is a registry without watch support (the reference): polling stays, and the
// stream is retried rarely in case the registry is replaced. Dead connections are noticed by
// the missing keep-alives (body timeout). The stream follows the registry the heartbeat uses:
// when that changes, `reopen()` drops the old stream and opens one on the new registry.
import type { ResolutionUpdate } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { createSseParser } from "./client/sse.js";
import { registryAuthHeaders } from "./registry-auth.js";

export interface WatchOptions {
  dispatcher: Dispatcher;
  /** The registry to watch, read at each (re)connect. */
  registryUrl: () => string;
  agentId: string;
  onResolution: (update: ResolutionUpdate) => void;
  /** The registry does not know us (404/410): POST again. */
  onGone: () => void;
  /** The stream could not be opened or broke: the registry may be gone. */
  onBroken?: () => void;
  /** Cap for reconnect backoff (the heartbeat interval). */
  maxBackoffMs: number;
  logger: Logger;
}

/** A resolution update is a few KB; a registry sending more in one event is broken. */
const MAX_EVENT_CHARS = 8 * 1024 * 1024;
const UNSUPPORTED_RETRY_MS = 60_000;
const SILENCE_LIMIT_MS = 45_000;

export class WatchStream {
  private stopped = false;
  private active = false;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private failures = 0;
  private reopening = false;
  /** True while a stream is open and has delivered its first event. */
  connected = false;

  constructor(private readonly opts: WatchOptions) {}

  /** Opens the stream unless one is open or pending; safe to call after every registration. */
  ensure(): void {
    if (this.stopped || this.active || this.timer) return;
    this.active = true;
    void this.run()
      .catch(() => this.backoff())
      .then((retryMs) => {
        this.active = false;
        this.connected = false;
        if (this.stopped) return;
        if (this.reopening) {
          this.reopening = false;
          return this.ensure();
        }
        this.retry(retryMs);
      });
  }

  /** The agent moved to another registry: stop watching the old one, watch the new one now. */
  reopen(): void {
    if (this.stopped) return;
    this.failures = 0;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.active) {
      this.ensure();
      return;
    }
    this.reopening = true;
    this.abort?.abort();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
  }

  private retry(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ensure();
    }, ms);
    this.timer.unref();
  }

  /** One stream, from connect to its end; resolves with when to try again (ms). */
  private async run(): Promise<number> {
    const { agentId, logger } = this.opts;
    const registryUrl = this.opts.registryUrl();
    const abort = new AbortController();
    this.abort = abort;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.opts.dispatcher.request({
        origin: registryUrl,
        path: `${new URL(registryUrl).pathname.replace(/\/$/, "")}/watch/${encodeURIComponent(agentId)}`,
        method: "GET",
        headers: { accept: "text/event-stream", ...registryAuthHeaders() },
        headersTimeout: 5_000,
        bodyTimeout: SILENCE_LIMIT_MS,
        signal: abort.signal,
      });
    } catch {
      if (!abort.signal.aborted) this.opts.onBroken?.();
      return this.backoff();
    }
    const type = String(res.headers["content-type"] ?? "");
    if (res.statusCode !== 200 || !type.includes("text/event-stream")) {
      await res.body.dump().catch(() => undefined);
      if ((res.statusCode === 404 && type.includes("json")) || res.statusCode === 410) {
        this.opts.onGone();
        return this.backoff();
      }
      logger.debug({ status: res.statusCode }, "registry has no watch stream; relying on heartbeats");
      return UNSUPPORTED_RETRY_MS;
    }
    const parser = createSseParser((data, event) => this.handleEvent(data, event), MAX_EVENT_CHARS);
    const decoder = new TextDecoder(); // a chunk may end inside a multi-byte character
    try {
      for await (const chunk of res.body) parser.push(decoder.decode(chunk, { stream: true }));
    } catch (err) {
      if (!abort.signal.aborted) logger.debug({ err: (err as Error).message }, "watch stream broke");
    }
    if (!abort.signal.aborted) this.opts.onBroken?.();
    return this.backoff();
  }

  private handleEvent(data: string, event: string): void {
    if (event !== "resolution") return;
    try {
      const update = JSON.parse(data) as ResolutionUpdate;
      this.connected = true;
      this.failures = 0;
      this.opts.onResolution(update);
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, "unreadable watch event");
    }
  }

  private backoff(): number {
    this.failures++;
    const base = Math.min(this.opts.maxBackoffMs, 100 * 2 ** Math.min(this.failures, 10));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
}
