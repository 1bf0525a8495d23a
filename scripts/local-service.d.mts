import type { ChildProcess, SpawnOptions } from "node:child_process";

export const IS_CI: boolean;
export function onExit(cleanup: () => void): () => void;
export function safeKill(pid: number, signal?: NodeJS.Signals): void;
export function which(cmd: string): string | undefined;
export function aptInstall(...packages: string[]): boolean;
export function freePort(): Promise<number>;
export function answers(
  port: number,
  options?: { host?: string; send?: string; accept?: (reply: string) => boolean },
): Promise<boolean>;
export function listens(port: number, host?: string): Promise<boolean>;
export interface OwnedServer {
  child: ChildProcess;
  exited: Promise<unknown>;
  stop(): Promise<void>;
}
export function startServer(options: {
  name: string;
  bin: string;
  args: string[];
  spawnOptions?: SpawnOptions;
  ready: () => Promise<boolean>;
  timeoutMs?: number;
  stopSignal?: NodeJS.Signals;
}): Promise<OwnedServer>;
export function startOnFreePort<T>(
  launch: (port: number) => Promise<T>,
  attempts?: number,
): Promise<{ port: number; server: T }>;
