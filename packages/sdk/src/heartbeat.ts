// The agent's heartbeat loop, as the reference runtimes run it (PROTOCOL.md §1.3, §4.5): POST
// the full registration at start, then HEAD every interval; 202 or 410 → POST again; failures
// are counted and after 4 in a row the loop goes back to POSTing with backoff and jitter. The
// backoff is capped at the interval so a returning registry sees the agent within one interval.
// Given several registries, a failure that means "not answering" moves the agent to the next
// one at once (a full POST there: it may not know the agent); backoff starts only once every
// registry has failed in a row.
import type { AgentRegistration, RegistrationResponse } from "@mcp-mesh/protocol";
import type { Logger } from "pino";
import type { Dispatcher } from "undici";
import { safeUrl } from "./log.js";
import { headHeartbeat, postHeartbeat } from "./registration.js";
import { downReason, type RegistryRing, registryDown } from "./registry-ring.js";

export interface HeartbeatOptions {
  dispatcher: Dispatcher;
  registries: RegistryRing;
  agentId: string;
  intervalMs: number;
  payload: () => AgentRegistration;
  /** A failing user health check suppresses registry traffic until it passes. */
  healthy: () => Promise<boolean>;
  /** `rejoined`: this POST follows an outage or a 410 (the registry may have lost its state). */
  onRegistered: (response: RegistrationResponse, rejoined: boolean) => void;
  logger: Logger;
}

const MAX_FAILURES = 4;

export class HeartbeatLoop {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private needPost = true;
  private failures = 0;
  private postAttempts = 0;
  private running: Promise<void> | undefined;
  /** True after a successful POST, until the registry says otherwise. */
  registered = false;
  private everRegistered = false;

  constructor(private readonly opts: HeartbeatOptions) {}

  start(): void {
    this.schedule(0);
  }

  /** A fast heartbeat now, unless one is under way or the loop is re-registering (the watch stream broke). */
  checkSoon(): void {
    if (!this.running && !this.needPost) this.schedule(0);
  }

  /** Re-register as soon as possible (the watch stream was told 404/410). */
  postSoon(): void {
    // The registry told the watch stream it does not know us: as good as a 410.
    this.registered = false;
    this.needPost = true;
    if (!this.running) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.beat().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const { intervalMs, logger } = this.opts;
    if (!(await this.opts.healthy().catch(() => false))) return this.schedule(intervalMs);
    if (this.needPost) return this.post();
    const { registries } = this.opts;
    const url = registries.current();
    let status: number;
    try {
      status = await headHeartbeat(this.opts.dispatcher, url, this.opts.agentId);
    } catch (err) {
      status = 0;
      logger.debug({ err }, "fast heartbeat failed");
    }
    if (status === 200) {
      this.failures = 0;
      return this.schedule(intervalMs);
    }
    if (status === 202 || status === 410) {
      this.failures = 0;
      if (status === 410) this.registered = false;
      this.needPost = true;
      return this.post();
    }
    this.failures++;
    if (registries.size > 1 && registryDown(status)) {
      registries.next(downReason(status));
      this.failures = 0;
      this.needPost = true;
      this.registered = false;
      return this.post();
    }
    if (this.failures >= MAX_FAILURES) {
      if (this.failures === MAX_FAILURES) logger.warn({ registry: safeUrl(url) }, "registry unreachable; reconnecting");
      this.needPost = true;
      this.registered = false;
    }
    this.schedule(this.needPost ? this.backoff() : intervalMs);
  }

  private async post(): Promise<void> {
    if (this.stopped) return;
    const { registries, logger } = this.opts;
    const url = registries.current();
    try {
      const response = await postHeartbeat(this.opts.dispatcher, url, this.opts.payload());
      if (this.stopped) return;
      if (!this.registered) logger.info({ registry: safeUrl(url), agent_id: this.opts.agentId }, "registered");
      const rejoined = this.everRegistered && !this.registered;
      this.registered = true;
      this.everRegistered = true;
      this.needPost = false;
      this.failures = 0;
      this.postAttempts = 0;
      this.opts.onRegistered(response, rejoined);
      this.schedule(this.opts.intervalMs);
    } catch (err) {
      if (this.postAttempts === 0)
        logger.warn({ registry: safeUrl(url), err: (err as Error).message }, "registration failed; retrying");
      this.postAttempts++;
      if (registries.size > 1 && registryDown(err)) {
        registries.next(downReason(err));
        // The next registry at once, until every one has failed in this round.
        if (this.postAttempts % registries.size !== 0) return this.schedule(0);
      }
      this.schedule(this.backoff());
    }
  }

  /** 0.5 s doubling per round over the registries, capped at the interval, with ±25 % jitter. */
  private backoff(): number {
    const rounds = Math.floor(this.postAttempts / this.opts.registries.size);
    const base = Math.min(this.opts.intervalMs, 500 * 2 ** Math.min(rounds, 10));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
}
