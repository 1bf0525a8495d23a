export interface RedisServer {
  url: string;
  port: number;
  /** Undefined for a Redis that was already running (never stopped here). */
  pid: number | undefined;
  stop(): Promise<void>;
}
export function pings(port: number, host?: string): Promise<boolean>;
export function redisServerBinary(): string | undefined;
export function startOwnRedis(atPort?: number): Promise<RedisServer | undefined>;
export function useRedis(): Promise<RedisServer | undefined>;
